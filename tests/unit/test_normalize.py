from pipeline.ingest.normalize import normalize_text


def test_invisible_and_space_characters_are_cleaned():
    raw = "\ufeffcoun\u00adtries\u00a0and\u2009\u202fzero\u200bwidth\r\nnext\x07 line"
    assert normalize_text(raw) == "countries and zerowidth\nnext line"


def test_ligatures_expanded_quotes_and_dashes_kept():
    raw = "“\ufb01rst\ufb02oor” \ufb00 \ufb03 \ufb04 — it’s 2018–23"
    assert normalize_text(raw) == "“firstfloor” ff ffi ffl — it’s 2018–23"


def test_space_runs_collapse_inside_lines_only():
    assert normalize_text("a   b\t\tc\n    indented") == "a b c\n    indented"
    assert normalize_text("one\rtwo\u2028three") == "one\ntwo\nthree"
