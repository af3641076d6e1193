"""Temporal expressions: spans, TIMEX3 values, kinds, granularities and day ranges."""

from __future__ import annotations

import pytest

from pipeline.extract.dates import extract_dates, parse_count, parse_ordinal
from pipeline.nlp.segment import read_and_segment, segment
from pipeline.types import Block, DateMention, DocumentMeta
from tests.conftest import SOURCES


def dates_in(nlp, text: str, published: str = "", kind: str = "body") -> list[DateMention]:
    doc_text, sentences = segment([Block(text, kind=kind)], nlp)
    rows = extract_dates(sentences, DocumentMeta(doc_id="t", published=published))
    for row in rows:
        assert doc_text[row.start : row.end] == row.text
    return rows


def rows_by_text(rows: list[DateMention]) -> dict[str, DateMention]:
    return {row.text: row for row in rows}


# ---------------------------------------------------------------- absolute dates


def test_month_year_and_years_from_the_brief(nlp):
    rows = rows_by_text(
        dates_in(
            nlp,
            (
                'Not coincidentally, the foundations of the "San Francisco System" were laid in '
                "September 1951 by the signing of both the formal peace treaty with Tokyo and the "
                "bilateral security treaty, subsequently amended in 1960."
            ),
        )
    )
    assert set(rows) == {"September 1951", "1960"}
    month = rows["September 1951"]
    assert (month.value, month.kind, month.granularity) == ("1951-09", "date", "month")
    assert (month.range_start, month.range_end) == ("1951-09-01", "1951-09-30")
    year = rows["1960"]
    assert (year.value, year.granularity, year.range_start, year.range_end) == (
        "1960",
        "year",
        "1960-01-01",
        "1960-12-31",
    )


def test_coordinated_years_are_two_dates(nlp):
    rows = dates_in(
        nlp,
        (
            "Formal alliance partnerships with South Korea and the Republic of China on Taiwan "
            "followed in the wake of the Korean armistice, in 1953 and 1955 respectively."
        ),
    )
    assert [(r.text, r.value) for r in rows] == [("1953", "1953"), ("1955", "1955")]


def test_as_early_as_and_modifier_years(nlp):
    rows = dates_in(
        nlp,
        (
            "A Defense Industry Consultative Committee with Korea was formed as early as 1993. "
            "But the economic components have deepened on their own as well; a 2009 “vision "
            "statement” for the U.S.-Korea alliance made mention of piracy."
        ),
    )
    assert [r.value for r in rows] == ["1993", "2009"]


def test_decade(nlp):
    rows = dates_in(
        nlp,
        (
            "The differences between Europe and Asia have been analyzed, and particularly the "
            "United States' preference for bilateralism in the 1950s as a way of controlling risk."
        ),
    )
    assert len(rows) == 1
    row = rows[0]
    assert (row.text, row.value, row.granularity) == ("the 1950s", "195X", "decade")
    assert (row.range_start, row.range_end) == ("1950-01-01", "1959-12-31")


def test_full_date_with_abbreviated_month_in_statute_note(nlp):
    rows = dates_in(
        nlp, "(2) Repealed. Pub. L. 103–236, title I, § 139(5) , Apr. 30, 1994 , 108 Stat. 398 ."
    )
    assert [(r.text, r.value, r.granularity) for r in rows] == [
        ("Apr. 30, 1994", "1994-04-30", "day")
    ]
    assert (rows[0].range_start, rows[0].range_end) == ("1994-04-30", "1994-04-30")


def test_day_of_month_formula(nlp):
    rows = dates_in(
        nlp,
        (
            "President Joseph R. Biden of the United States of America and President Yoon Suk "
            "Yeol of the Republic of Korea (ROK) met on this 26th day of April, 2023 to mark the "
            "70th anniversary of the U.S.-ROK Alliance."
        ),
        published="2023-04-26",
    )
    by_text = rows_by_text(rows)
    assert by_text["this 26th day of April, 2023"].value == "2023-04-26"
    anniversary = by_text["70th anniversary"]
    assert (anniversary.value, anniversary.kind, anniversary.granularity) == (
        "P70Y",
        "duration",
        "",
    )
    assert anniversary.range_start == anniversary.range_end == ""


def test_century(nlp):
    rows = dates_in(
        nlp,
        (
            "Recognizing that our shared security and prosperity requires new forms of 21st "
            "century cooperation, the leaders launched a partnership. The nineteenth century "
            "was different."
        ),
    )
    by_text = rows_by_text(rows)
    assert by_text["21st century"].value == "20"
    assert (by_text["21st century"].range_start, by_text["21st century"].range_end) == (
        "2000-01-01",
        "2099-12-31",
    )
    assert by_text["The nineteenth century"].value == "18"
    assert by_text["The nineteenth century"].granularity == "century"


def test_climate_targets(nlp):
    rows = dates_in(
        nlp,
        (
            "The United States and Japan are committed to taking decisive climate action by 2030, "
            "both aligned with efforts to limit the global temperature increase to 1.5 degrees "
            "Celsius and 2050 greenhouse-gas emissions net-zero goals."
        ),
    )
    assert [(r.text, r.value) for r in rows] == [("2030", "2030"), ("2050", "2050")]


# ---------------------------------------------------------------- durations and sets


def test_durations(nlp):
    rows = rows_by_text(
        dates_in(
            nlp,
            (
                "The United States has just survived four difficult years in its bilateral relations "
                "with the two countries. Our partnership fuels a sustainable global economic "
                "recovery, after a year of global grief and hardship. We resolved to conclude a "
                "meaningful multi-year Host Nation Support agreement."
            ),
        )
    )
    assert rows["four difficult years"].value == "P4Y"
    assert rows["four difficult years"].kind == "duration"
    assert rows["a year"].value == "P1Y"
    assert rows["multi-year"].value == "PXY"
    assert all(r.granularity == "" and r.range_start == "" for r in rows.values())


def test_decades_to_come(nlp):
    rows = dates_in(
        nlp,
        "Our partnership will make security and prosperity possible for "
        "both our peoples for decades to come.",
    )
    assert [(r.text, r.value, r.kind) for r in rows] == [("decades", "PXDE", "duration")]


def test_sets(nlp):
    rows = rows_by_text(
        dates_in(
            nlp,
            (
                "The program saves these households about $400 a year. The council meets every two "
                "years and reports annually."
            ),
        )
    )
    assert (rows["a year"].value, rows["a year"].kind) == ("P1Y", "set")
    assert (rows["every two years"].value, rows["every two years"].kind) == ("P2Y", "set")
    assert (rows["annually"].value, rows["annually"].kind) == ("P1Y", "set")


# ---------------------------------------------------------------- anchoring


def test_relative_expressions_anchor_to_publication(nlp):
    rows = rows_by_text(
        dates_in(
            nlp,
            (
                "President Biden supports Prime Minister Suga’s efforts to hold a safe and secure "
                "Olympic and Paralympic Games this summer. Seventy years ago the treaty was signed. "
                "Last year was hard, and next month we meet again. Today, the United States and "
                "Japan renew an Alliance."
            ),
            published="2021-04-16",
        )
    )
    summer = rows["this summer"]
    assert (summer.value, summer.granularity, summer.range_start, summer.range_end) == (
        "2021-SU",
        "season",
        "2021-06-01",
        "2021-08-31",
    )
    assert rows["Seventy years ago"].value == "1951"
    assert rows["Last year"].value == "2020"
    assert (rows["next month"].value, rows["next month"].granularity) == ("2021-05", "month")
    assert (rows["Today"].value, rows["Today"].granularity) == ("2021-04-16", "day")


def test_this_adjective_year(nlp):
    rows = dates_in(
        nlp,
        "To commemorate this historic year for our Alliance, the Presidents "
        "committed to develop an ever-stronger relationship.",
        published="2023-04-26",
    )
    assert [(r.text, r.value, r.granularity) for r in rows] == [
        ("this historic year", "2023", "year")
    ]


def test_month_without_year_looks_forward_or_back(nlp):
    rows = rows_by_text(
        dates_in(
            nlp,
            (
                "In February, the President reignited the Cancer Moonshot. We are extending the "
                "flexibility through March."
            ),
            published="2021-12-01",
        )
    )
    assert rows["February"].value == "2021-02"
    assert rows["March"].value == "2022-03"


def test_relative_needs_an_anchor(nlp):
    assert dates_in(nlp, "Last year was hard, and this summer will be better.") == []


def test_vague_references(nlp):
    rows = rows_by_text(
        dates_in(
            nlp,
            (
                "The balancing strategy was recently reformulated. We will investigate outbreaks of "
                "unknown origin in the future."
            ),
        )
    )
    assert (rows["recently"].value, rows["recently"].granularity) == ("PAST_REF", "")
    assert rows["in the future"].value == "FUTURE_REF"
    assert rows["recently"].range_start == ""


# ---------------------------------------------------------------- negatives


@pytest.mark.parametrize(
    "text",
    [
        "High-level consultative structures came to incorporate secretaries of state in the "
        "so-called 2+2 format.",
        "This work is made available under the terms of the Creative Commons Attribution-"
        "NonCommercial 4.0 license.",
        "5G communication systems exports constitute an emerging geo-economic contest.",
        "The study focuses on six areas that move beyond traditional security issues.",
        "The current conjuncture poses three central challenges to these two alliance partnerships.",
        "Summits have resulted in dozens of cooperative agreements.",
        "(2) Repealed. Pub. L. 103–236, title I, § 139(5).",
        "The countries should develop long-term whole-of-government plans.",
        "At the first-ever leaders’ summit of the Quad, we established a group.",
        "The plan would cover individuals 45 years of age and above and a 17-year-old student.",
        "The Security Council adopted Resolution 2231 and H.R. 1319 passed the House.",
        "The city hired 1500 officers and built 1200 homes.",
        "President Biden affirmed his commitment to 5th generation (5G) wireless networks.",
    ],
)
def test_not_dates(nlp, text):
    assert dates_in(nlp, text, published="2021-04-16") == []


def test_section_number_in_heading_is_not_a_year(nlp):
    rows = dates_in(nlp, "§ 2007. Sense of Congress on humanitarian coordination", kind="heading")
    assert rows == []


def test_number_helpers():
    assert parse_count("twenty-one") == 21
    assert parse_count("seventy") == 70
    assert parse_count("several") is None
    assert parse_ordinal("nineteenth") == 19
    assert parse_ordinal("twenty-first") == 21
    assert parse_ordinal("70th") == 70


# ---------------------------------------------------------------- whole documents


@pytest.mark.parametrize(
    "name",
    [
        "haggard-2021-beyond-deterrence.md",
        "wh-2021-04-16-us-japan-joint-leaders-statement.md",
        "usc-22-2428a.md",
    ],
)
def test_offsets_index_the_document_text(nlp, name):
    document = read_and_segment(SOURCES / name, nlp)
    rows = extract_dates(document.sentences, document.meta)
    assert rows
    for row in rows:
        assert document.text[row.start : row.end] == row.text
        sentence = document.sentences[row.sentence_index]
        assert sentence.start <= row.start < row.end <= sentence.end
        assert row.kind in ("date", "duration", "set")


def test_statute_without_dates_yields_nothing(nlp):
    document = read_and_segment(SOURCES / "usc-22-7846.md", nlp)
    assert extract_dates(document.sentences, document.meta) == []


def test_joint_statement_values(nlp):
    document = read_and_segment(SOURCES / "wh-2021-04-16-us-japan-joint-leaders-statement.md", nlp)
    values = {(r.text, r.value) for r in extract_dates(document.sentences, document.meta)}
    assert {
        ("March 2021", "2021-03"),
        ("March 12, 2021", "2021-03-12"),
        ("21st century", "20"),
        ("this summer", "2021-SU"),
        ("a year", "P1Y"),
    } <= values
    assert not any(text in ("first", "5th", "1.5", "overflight") for text, _ in values)


# ---------------------------------------------------------------- ranges, years, clock times


def test_a_day_range_keeps_its_written_year_and_both_days(nlp):
    rows = rows_by_text(
        dates_in(nlp, "The envoys met on March 29-30, 2019 in Lima.", published="2023-06-01")
    )
    row = rows["March 29-30, 2019"]
    assert (row.value, row.range_start, row.range_end) == ("2019-03-29", "2019-03-29", "2019-03-30")
    old = rows_by_text(dates_in(nlp, "It was held June 17-18, 1965.", published="2023-06-01"))
    assert old["June 17-18, 1965"].value == "1965-06-17"


def test_a_range_across_months_and_a_year_written_after_the_second_day(nlp):
    rows = rows_by_text(
        dates_in(nlp, "Between March 29 and April 2, 2022 officials met.", published="2023-06-01")
    )
    assert rows["March 29"].value == "2022-03-29"
    span = rows_by_text(dates_in(nlp, "The fair runs June 30 to July 2.", published="2023-06-01"))
    row = span["June 30 to July 2"]
    assert (row.range_start, row.range_end) == ("2023-06-30", "2023-07-02")


def test_a_yearless_day_takes_the_nearest_year_in_the_direction_of_the_tense(nlp):
    past = rows_by_text(dates_in(nlp, "On December 15 the board met.", published="2023-01-10"))
    assert past["December 15"].value == "2022-12-15"
    ahead = rows_by_text(
        dates_in(nlp, "The rule will take effect on January 5.", published="2022-12-20")
    )
    assert ahead["January 5"].value == "2023-01-05"


def test_a_clock_time_takes_its_sentences_day_never_the_publication_day(nlp):
    rows = rows_by_text(
        dates_in(nlp, "The Senate voted on May 3, 2021, at 4:30 p.m.", published="2021-06-01")
    )
    assert rows["4:30 p.m."].value == "2021-05-03T16:30"
    alone = rows_by_text(dates_in(nlp, "Doors open at 9 a.m. sharp.", published="2021-06-01"))
    assert alone["9 a.m."].value == "XXXX-XX-XXT09:00"


def test_a_fiscal_year_runs_from_october_to_september(nlp):
    rows = rows_by_text(
        dates_in(nlp, "The Budget for Fiscal Year 2023 rises.", published="2022-03-28")
    )
    row = rows["Fiscal Year 2023"]
    assert (row.value, row.range_start, row.range_end) == ("2023", "2022-10-01", "2023-09-30")
