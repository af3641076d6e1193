"""Quality by blind review: documents picked at random, rows of the published tables
sampled into sheets that judges fill in with only the annotation guidelines beside them,
and their verdicts scored as precision with a 95% Wilson interval.

    review.py   pick documents; sample rows into sheets (CSV to fill in, HTML to read)
    sheet.py    the sheet files
    specs.py    what each table's sheet shows and asks
    context.py  the published dataset as the sheets read it: spans in their sentences
    score.py    read filled sheets, check the verdicts, score them, log a round
"""
