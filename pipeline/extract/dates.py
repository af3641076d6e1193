"""Temporal expressions with TIMEX3 normalization.

Candidates come from precompiled patterns run over each sentence (the small
spaCy model misses bare years, decades, seasons and most relative phrases) and
from the model's DATE/TIME entities that no pattern covers. Every candidate is
normalized to a TIMEX3 value (`1950-06`, `195X`, `20`, `P4Y`, `2021-SU`,
`PAST_REF`, ...) with its kind, granularity and the ISO day range it covers;
a candidate that cannot be normalized, or whose context says it is a count,
a section number or a citation, is dropped.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

from spacy.tokens import Doc

from pipeline.nlp.segment import doc_text
from pipeline.types import DateMention, DocumentMeta, SentenceContext

# ---------------------------------------------------------------- vocabulary

_MONTHS = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_FULL_MONTHS = [m for m in _MONTHS if len(m) > 4 or m in ("may", "june", "july")]
_ABBR_MONTHS = [m for m in _MONTHS if m not in _FULL_MONTHS]


def _cased(words: list[str]) -> str:
    """Alternation of Title-case and UPPER-case forms (lower-case "march" is a verb)."""
    forms = [w.capitalize() for w in words] + [w.upper() for w in words]
    return "|".join(sorted(forms, key=len, reverse=True))


_MONTH_FULL = _cased(_FULL_MONTHS)
# Abbreviations take an optional period; "May" is full already.
_MONTH = rf"(?:{_MONTH_FULL}|(?:{_cased(_ABBR_MONTHS)})\.?)"
_MONTH_NO_MAY = rf"(?:{_cased([m for m in _FULL_MONTHS if m != 'may'])})"
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_WEEKDAY = rf"(?:{_cased(_WEEKDAYS)})"

_UNITS = {
    "second": "S",
    "minute": "M",
    "hour": "H",
    "day": "D",
    "week": "W",
    "month": "M",
    "year": "Y",
    "decade": "DE",
    "century": "CE",
    "centurie": "CE",
}
_TIME_UNITS = frozenset({"second", "minute", "hour"})
_UNIT = r"(?:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?|century|centuries)"

_ONES = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
}
_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_ORDINAL_ONES = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
}
_ORDINAL_TENS = {
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "sixtieth": 60,
    "seventieth": 70,
    "eightieth": 80,
    "ninetieth": 90,
    "hundredth": 100,
}
_VAGUE_COUNTS = frozenset({"several", "many", "few", "a few", "a couple of", "multiple", "some"})

_NUMBER_WORD = (
    rf"(?:(?:{'|'.join(_TENS)})(?:[-\s](?:{'|'.join(k for k in _ONES if _ONES[k] < 10)}))?"
    rf"|{'|'.join(sorted(_ONES, key=len, reverse=True))}|hundred|a\s+hundred)"
)
_COUNT = rf"(?:\d{{1,3}}|{_NUMBER_WORD}|several|many|a\s+few|few|a\s+couple\s+of|multiple)"
_ORDINAL_UNITS = "|".join(k for k in _ORDINAL_ONES if _ORDINAL_ONES[k] < 10)
_ORDINAL_WORD = (
    rf"(?:(?:{'|'.join(_TENS)})[-\s](?:{_ORDINAL_UNITS})"
    rf"|{'|'.join(sorted({**_ORDINAL_ONES, **_ORDINAL_TENS}, key=len, reverse=True))})"
)
_ORDINAL = rf"(?:\d{{1,3}}(?:st|nd|rd|th)|{_ORDINAL_WORD})"

_SEASONS = {"spring": "SP", "summer": "SU", "fall": "FA", "autumn": "FA", "winter": "WI"}
_SEASON_MONTHS = {"SP": (3, 5), "SU": (6, 8), "FA": (9, 11), "WI": (12, 2)}


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words before a bare year that make it a year ("in 1953", "as early as 1993").
_YEAR_CUES = _wordset(
    "in by since until till til from of before after through throughout during circa"
    " ca c around between early mid late end beginning start middle year years fiscal"
    " fy than spring summer fall autumn winter q1 q2 q3 q4 half quarter as for"
)
# Tokens before a number that make it a section, page, bill or amount, not a year.
_NUMBER_CUES = _wordset(
    "§ §§ no no. nos nos. stat stat. l l. title page pages p p. pp pp. section"
    " sections sec sec. chapter ch ch. article art art. rule h.r. hr s. res res. order"
    " e.o. number # $ € £ ¥ flight route highway room suite box part vol vol. volume"
    " form paragraph para clause item exhibit table figure fig fig. annex appendix tab"
    " docket case act u.s.c. usc cfr c.f.r. hres h.res. s.res. sres amendment"
    " resolution bill"
)
# Nouns after a number that make it a count of things.
_COUNT_NOUNS = _wordset(
    "people persons individuals troops soldiers personnel members workers students"
    " children families households cases deaths patients residents refugees migrants"
    " jobs units dollars tons tonnes miles kilometers km meters metres feet acres"
    " hectares barrels megawatts gigawatts mw gw kw kwh mwh gwh pounds kilograms kg"
    " calories votes seats sites schools hospitals vehicles vessels ships aircraft"
    " planes doses tests stat stat. u.s.c. percent % employees officers agents"
    " delegates participants attendees hours minutes days weeks months years"
)
_DETERMINERS = _wordset("the a an this that its their our his her your whose these those")
_UNIT_ADJECTIVE_BLOCKLIST = _wordset("of to the and or in on for per a an its their our")


# ---------------------------------------------------------------- values


@dataclass(frozen=True)
class Timex:
    """A normalized temporal value."""

    value: str
    kind: str = "date"
    granularity: str = ""
    range_start: str = ""
    range_end: str = ""


def _iso(day: date) -> str:
    return day.isoformat()


def day_value(year: int, month: int, day: int) -> Timex | None:
    """A calendar day; None when the day does not exist."""
    try:
        moment = date(year, month, day)
    except ValueError:
        return None
    return Timex(_iso(moment), "date", "day", _iso(moment), _iso(moment))


def month_value(year: int, month: int) -> Timex:
    last = calendar.monthrange(year, month)[1]
    return Timex(
        f"{year:04d}-{month:02d}",
        "date",
        "month",
        f"{year:04d}-{month:02d}-01",
        f"{year:04d}-{month:02d}-{last:02d}",
    )


def year_value(year: int) -> Timex:
    return Timex(f"{year:04d}", "date", "year", f"{year:04d}-01-01", f"{year:04d}-12-31")


def decade_value(decade_start: int) -> Timex:
    """`195X` for the decade that starts in 1950."""
    return Timex(
        f"{decade_start // 10:03d}X",
        "date",
        "decade",
        f"{decade_start:04d}-01-01",
        f"{decade_start + 9:04d}-12-31",
    )


def _hundreds_value(first: int) -> Timex:
    """'the 1800s': the hundred years from 1800, TIMEX3 `18`."""
    return Timex(
        f"{first // 100:02d}", "date", "century", f"{first:04d}-01-01", f"{first + 99:04d}-12-31"
    )


def century_value(ordinal: int) -> Timex:
    """TIMEX3 century: the 21st century is `20` (2000-2099)."""
    first = (ordinal - 1) * 100
    return Timex(
        f"{ordinal - 1:02d}", "date", "century", f"{first:04d}-01-01", f"{first + 99:04d}-12-31"
    )


def season_value(year: int, code: str) -> Timex:
    first, last = _SEASON_MONTHS[code]
    end_year = year + 1 if code == "WI" else year
    last_day = calendar.monthrange(end_year, last)[1]
    return Timex(
        f"{year:04d}-{code}",
        "date",
        "season",
        f"{year:04d}-{first:02d}-01",
        f"{end_year:04d}-{last:02d}-{last_day:02d}",
    )


def quarter_value(year: int, quarter: int) -> Timex:
    first = 3 * quarter - 2
    last = first + 2
    last_day = calendar.monthrange(year, last)[1]
    return Timex(
        f"{year:04d}-Q{quarter}",
        "date",
        "quarter",
        f"{year:04d}-{first:02d}-01",
        f"{year:04d}-{last:02d}-{last_day:02d}",
    )


def half_value(year: int, half: int) -> Timex:
    first, last = (1, 6) if half == 1 else (7, 12)
    last_day = calendar.monthrange(year, last)[1]
    return Timex(
        f"{year:04d}-H{half}",
        "date",
        "half",
        f"{year:04d}-{first:02d}-01",
        f"{year:04d}-{last:02d}-{last_day:02d}",
    )


def week_value(day: date) -> Timex:
    iso_year, week, weekday = day.isocalendar()
    monday = day - timedelta(days=weekday - 1)
    return Timex(
        f"{iso_year:04d}-W{week:02d}",
        "date",
        "week",
        _iso(monday),
        _iso(monday + timedelta(days=6)),
    )


def duration_value(amount: int | None, unit: str) -> Timex:
    """`P4Y`, `PXDE`, `PT3H`: an amount (None when vague) of a unit."""
    code = _UNITS[unit]
    number = "X" if amount is None else str(amount)
    prefix = "PT" if unit in _TIME_UNITS else "P"
    return Timex(f"{prefix}{number}{code}", "duration", "")


def set_value(amount: int, unit: str) -> Timex:
    return Timex(duration_value(amount, unit).value, "set", "")


def ref_value(ref: str) -> Timex:
    return Timex(ref, "date", "")


def shift_months(day: date, months: int) -> tuple[int, int]:
    total = day.year * 12 + day.month - 1 + months
    return total // 12, total % 12 + 1


# ---------------------------------------------------------------- numbers


def parse_count(text: str) -> int | None:
    """'four' -> 4, 'twenty-one' -> 21, '10' -> 10, 'a' -> 1; None if vague or unknown."""
    words = text.lower().replace("-", " ").split()
    if not words:
        return None
    if words[0].isdigit():
        return int(words[0])
    if words in (["a"], ["an"], ["one"]):
        return 1
    if words in (["hundred"], ["a", "hundred"]):
        return 100
    total = 0
    for word in words:
        if word in _TENS:
            total += _TENS[word]
        elif word in _ONES:
            total += _ONES[word]
        else:
            return None
    return total or None


def parse_ordinal(text: str) -> int | None:
    """'70th' -> 70, 'twenty-first' -> 21, 'nineteenth' -> 19."""
    lowered = text.lower()
    digits = re.match(r"^(\d+)(?:st|nd|rd|th)$", lowered)
    if digits:
        return int(digits.group(1))
    words = lowered.replace("-", " ").split()
    total = 0
    for position, word in enumerate(words):
        last = position == len(words) - 1
        if last and word in _ORDINAL_ONES:
            total += _ORDINAL_ONES[word]
        elif last and word in _ORDINAL_TENS:
            total += _ORDINAL_TENS[word]
        elif not last and word in _TENS:
            total += _TENS[word]
        else:
            return None
    return total or None


def _unit_of(word: str) -> str:
    """'years' -> 'year', 'centuries' -> 'century'."""
    lowered = word.lower()
    if lowered in ("century", "centuries"):
        return "century"
    return lowered[:-1] if lowered.endswith("s") else lowered


# ---------------------------------------------------------------- candidates


@dataclass(frozen=True)
class Candidate:
    """A matched expression in sentence-relative characters."""

    start: int
    end: int
    timex: Timex
    priority: int = 1  # higher wins among equally long overlapping candidates


@dataclass(frozen=True)
class Context:
    """What the rules may look at besides the match itself."""

    text: str  # the sentence text
    anchor: date | None
    tags: dict[int, str]  # sentence char offset of a token start -> its tag_
    kind: str  # block kind: body, heading, ...


Rule = Callable[[re.Match, Context], Iterator[Candidate]]


def _word_before(text: str, position: int) -> str:
    """The whitespace-delimited word just before `position`, lower-cased."""
    match = re.search(r"(\S+)\s*$", text[:position])
    return match.group(1).lower() if match else ""


def _words_before(text: str, position: int, count: int) -> list[str]:
    return [w.lower() for w in text[:position].split()[-count:]]


def _word_after(text: str, position: int) -> str:
    match = re.match(r"\s*([^\s]+)", text[position:])
    return match.group(1).lower().strip("\"'“”‘’,;:.()") if match else ""


def _tag_at(context: Context, position: int) -> str:
    return context.tags.get(position, "")


def _span(match: re.Match, group: int | str = 0) -> tuple[int, int]:
    return match.start(group), match.end(group)


def _candidate(
    match: re.Match, timex: Timex | None, group: int | str = 0, priority: int = 1
) -> Iterator[Candidate]:
    if timex is not None:
        start, end = _span(match, group)
        yield Candidate(start, end, timex, priority)


def _month_number(word: str) -> int:
    return _MONTHS[word.lower().rstrip(".")]


def _plausible_year(year: int) -> bool:
    return 1000 <= year <= 2199


# -- absolute dates

_RE_DAY_OF_MONTH = re.compile(
    rf"\b(?:(?:this|the)\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+day\s+of\s+"
    rf"(?P<m>{_MONTH}),?\s+(?P<y>\d{{4}})\b"
)
_RE_MDY = re.compile(
    rf"\b(?:{_WEEKDAY},?\s+)?(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?,?\s+"
    rf"(?P<y>\d{{4}})\b(?![-–]\d)"
)
_RE_DMY = re.compile(
    rf"\b(?:{_WEEKDAY},?\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m>{_MONTH}),?\s+"
    rf"(?P<y>\d{{4}})\b(?![-–]\d)"
)
_RE_ISO = re.compile(r"(?<![\w/.-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?![\w/-])")
_RE_US_NUMERIC = re.compile(r"(?<![\w/.-])(?P<m>\d{1,2})/(?P<d>\d{1,2})/(?P<y>\d{4})(?![\w/])")


def rule_full_date(match: re.Match, context: Context) -> Iterator[Candidate]:
    """'April 30, 1994', '26th day of April, 2023', '2021-04-16'."""
    month = match.group("m")
    month_number = int(month) if month.isdigit() else _month_number(month)
    year = int(match.group("y"))
    if not _plausible_year(year) or not 1 <= month_number <= 12:
        return
    yield from _candidate(match, day_value(year, month_number, int(match.group("d"))), priority=3)


_RE_MONTH_YEAR = re.compile(
    rf"\b(?:(?:early|mid|late)[-\s]+)?(?P<m>{_MONTH}),?\s+(?:of\s+)?(?P<y>\d{{4}})\b(?![-–]\d)"
)


def rule_month_year(match: re.Match, context: Context) -> Iterator[Candidate]:
    """'June 1950', 'March 2021', 'mid-September 2020'."""
    year = int(match.group("y"))
    if _plausible_year(year):
        yield from _candidate(match, month_value(year, _month_number(match.group("m"))), priority=2)


_RE_MONTH_DAY = re.compile(
    rf"\b(?:{_WEEKDAY},?\s+)?(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\b(?![\d:,.]\d)"
)
_RE_DAY_MONTH = re.compile(
    rf"\b(?:the\s+)?(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:day\s+)?of\s+(?P<m>{_MONTH})\b"
    rf"|\b(?P<d2>\d{{1,2}})\s+(?P<m2>{_MONTH_NO_MAY})\b"
)


def rule_month_day(match: re.Match, context: Context) -> Iterator[Candidate]:
    """'March 12' or 'the 20th of January' without a year: the anchor's year."""
    if context.anchor is None:
        return
    groups = match.groupdict()
    month = groups.get("m") or groups.get("m2")
    day = groups.get("d") or groups.get("d2")
    if not month or not day:
        return
    number = _month_number(month)
    year = _day_year(context, number, int(day), context.text[match.end() :])
    yield from _candidate(match, day_value(year, number, int(day)))


_RE_DAY_RANGE = re.compile(
    rf"\b(?:{_WEEKDAY},?\s+)?(?P<m>{_MONTH})\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*(?:[-–]|to|through)"
    rf"\s*(?:(?P<m2>{_MONTH})\s+)?(?P<d2>\d{{1,2}})(?:st|nd|rd|th)?\b(?!:)(?:,?\s+(?P<y>\d{{4}})\b)?"
    rf"|\b(?P<d3>\d{{1,2}})\s*[-–]\s*(?P<d4>\d{{1,2}})\s+(?P<m3>{_MONTH}),?\s+(?P<y3>\d{{4}})\b"
)


def rule_day_range(match: re.Match, context: Context) -> Iterator[Candidate]:
    """'March 29-30, 2023', 'June 30 to July 2', '29–30 March 2023': one expression, its
    first day as the value and both days as its bounds; the year written after the second
    day is the first day's too."""
    g = match.groupdict()
    month = _month_number(g["m"] or g["m3"])
    end_month = _month_number(g["m2"]) if g["m2"] else month
    first, last = int(g["d"] or g["d3"]), int(g["d2"] or g["d4"])
    written = g["y"] or g["y3"]
    if written is None and context.anchor is None:
        return
    year = int(written) if written else _day_year(context, month, first)
    if written and not _plausible_year(year):
        return
    end_year = year + 1 if end_month < month else year
    start, end = day_value(year, month, first), day_value(end_year, end_month, last)
    if start is None or end is None or end.value < start.value:
        return
    timex = Timex(start.value, "date", "day", start.range_start, end.range_end)
    yield from _candidate(match, timex, priority=3)


_RE_YEAR_AFTER = re.compile(
    rf"^\s*(?:[-–]|to|through|until|and)\s+(?:{_MONTH}\s+)?\d{{1,2}}(?:st|nd|rd|th)?,?\s+"
    rf"(?P<y>\d{{4}})\b"
)


def _day_year(context: Context, month: int, day: int, after: str = "") -> int:
    """The year of a day named without one: the year written after a second day ("March
    29 and April 2, 2022"); else the nearest such day before the anchor in a sentence in
    the past tense, after it in one that looks forward, the nearest either way otherwise."""
    written = _RE_YEAR_AFTER.match(after)
    if written and _plausible_year(int(written.group("y"))):
        return int(written.group("y"))
    anchor = context.anchor
    assert anchor is not None
    options = [
        (year, moment)
        for year in (anchor.year - 1, anchor.year, anchor.year + 1)
        if (moment := _safe_day(year, month, day)) is not None
    ]
    if not options:
        return anchor.year
    slack = timedelta(days=31)
    if _FUTURE_TENSE.search(context.text):
        later = [year for year, moment in options if moment >= anchor - slack]
        return min(later) if later else anchor.year
    if any(tag == "VBD" for tag in context.tags.values()):
        earlier = [year for year, moment in options if moment <= anchor + slack]
        return max(earlier) if earlier else anchor.year
    return min(options, key=lambda option: abs((option[1] - anchor).days))[0]


def _safe_day(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


_RE_MONTH_ALONE = re.compile(
    rf"\b(?P<cue>(?i:in|since|until|till|by|from|during|through|throughout|before|after|of|"
    rf"last|next|this|early|mid|late|to))(?:\s+(?:early|late|mid))?[-\s]+"
    rf"(?P<m>{_MONTH_FULL})\b(?!\s+\d)"
)


_FUTURE_TENSE = re.compile(
    r"\b(?:will|shall|going\s+to|plans?\s+to|intends?\s+to|expects?\s+to|upcoming)\b|['’]ll\b",
    re.IGNORECASE,
)


def _month_year(context: Context, month: int, cue: str) -> int:
    """The year of a month named without one: the nearest such month before the anchor,
    or after it when the cue or the sentence looks forward ("until February", "will")."""
    anchor = context.anchor
    assert anchor is not None
    if cue == "this":
        return anchor.year
    if cue == "last":
        return anchor.year if month < anchor.month else anchor.year - 1
    if cue == "next":
        return anchor.year if month > anchor.month else anchor.year + 1
    forward = cue in ("until", "till", "by", "through") or bool(_FUTURE_TENSE.search(context.text))
    if forward:
        return anchor.year if month >= anchor.month else anchor.year + 1
    return anchor.year if month <= anchor.month else anchor.year - 1


def rule_month_alone(match: re.Match, context: Context) -> Iterator[Candidate]:
    """'in March', 'last September': the month nearest the anchor in that direction."""
    if context.anchor is None:
        return
    month = _month_number(match.group("m"))
    cue = match.group("cue").lower()
    if match.group("m").lower() == "may" and cue not in (
        "in",
        "since",
        "until",
        "by",
        "last",
        "next",
        "this",
        "early",
        "late",
    ):
        return
    if cue in ("of", "to") and not re.search(
        r"\b(?:end|beginning|start|middle|from)\b",
        context.text[max(0, match.start() - 40) : match.start()],
    ):
        return
    year = _month_year(context, month, cue)
    keep_cue = cue in ("last", "next", "this", "early", "mid", "late")
    start = match.start() if keep_cue else match.start("m")
    yield Candidate(start, match.end("m"), month_value(year, month), 1)


# -- years, decades, centuries

_RE_YEAR_RANGE = re.compile(
    r"(?<![\w$§#.,/:–-])(?P<a>\d{4})\s*(?:[–-]|\bto\b|\bthrough\b)\s*(?P<b>\d{4}|\d{2})"
    r"(?![\w%]|[.,]\d|[–-]\d)"
)


def rule_year_range(match: re.Match, context: Context) -> Iterator[Candidate]:
    """'2019-2021', '1950–53': two years."""
    first = int(match.group("a"))
    second_text = match.group("b")
    second = int(second_text) if len(second_text) == 4 else first // 100 * 100 + int(second_text)
    if not (_plausible_year(first) and _plausible_year(second) and first < second <= first + 200):
        return
    if _number_context(context.text, match.start(), match.end()):
        return
    yield Candidate(match.start("a"), match.end("a"), year_value(first), 2)
    yield Candidate(match.start("b"), match.end("b"), year_value(second), 2)


_RE_YEAR = re.compile(
    r"(?<![\w$§#.,/:–-])(?:(?P<mod>early|mid|late)[-\s])?(?P<y>\d{4})"
    r"(?![\w%]|[.,]\d|[–-]\d|/\d|:\d|\s*%)"
)
_RE_COORDINATED = re.compile(r"^\s*(?:,\s*(?:and\s+|or\s+)?|and\s+|or\s+|&\s*)$")


def _number_context(text: str, start: int, end: int) -> bool:
    """Whether a number is a section, page, bill number, amount or a count."""
    before = _word_before(text, start)
    if before in _NUMBER_CUES or before.endswith(("§", "$", "#")):
        return True
    if re.search(r"(?:Pub\.\s*L\.|U\.S\.C\.|Stat\.)\s*$", text[:start]):
        return True
    after = _word_after(text, end)
    return after in _COUNT_NOUNS or after.startswith(("stat.", "u.s.c"))


def _year_cued(context: Context, start: int, end: int) -> bool:
    """A bare four-digit number reads as a year here (see module rules)."""
    text = context.text
    before = _word_before(text, start).strip("(“\"'‘")
    before_words = _words_before(text, start, 3)
    if before.strip(",") in _YEAR_CUES:
        return True
    if " ".join(before_words[-3:]) in ("as early as", "as late as", "as of"):
        return True
    after = _word_after(text, end)
    # Modifier use: "the 2030 targets", "a 2009 “vision statement”", "2050 ... goals".
    next_char = text[end : end + 3].lstrip()
    followed_by_word = bool(after) and (after[0].isalpha() or next_char[:1] in '“"')
    if followed_by_word and before in _DETERMINERS:
        return True
    if followed_by_word and (before.endswith("'s") or before.endswith("’s")):
        return True
    tag_after = _tag_at(context, _next_token_start(text, end))
    if (
        followed_by_word
        and tag_after in ("NN", "NNS", "NNP", "JJ", "VBG", "NNPS")
        and 1900 <= int(text[start:end][-4:]) <= 2100
    ):
        return True
    # A citation or parenthetical year: "(2019)".
    if text[start - 1 : start] == "(" and text[end : end + 1] == ")":
        return True
    # Subject of a sentence about the year: "2020 was a year of ...".
    return start == 0 and after in ("was", "is", "will", "saw", "marked", "marks", "has", "had")


def _next_token_start(text: str, position: int) -> int:
    match = re.compile(r"\s*").match(text, position)
    return match.end() if match else position


def year_candidates(context: Context, taken: list[Candidate]) -> list[Candidate]:
    """Bare years accepted by context, plus years coordinated with an accepted one."""
    text = context.text
    found: list[tuple[int, int, int, bool]] = []
    for match in _RE_YEAR.finditer(text):
        year = int(match.group("y"))
        start, end = match.start("y"), match.end("y")
        if not _plausible_year(year) or _overlaps(start, end, taken):
            continue
        if _number_context(text, match.start(), end):
            continue
        cued = bool(match.group("mod")) or _year_cued(context, match.start(), end)
        found.append((match.start() if match.group("mod") else start, end, year, cued))
    accepted = [item[3] for item in found]
    changed = True
    while changed:  # spread acceptance along coordinations: "in 1953 and 1955"
        changed = False
        for i in range(len(found) - 1):
            joined = _RE_COORDINATED.match(text[found[i][1] : found[i + 1][0]])
            if joined and accepted[i] != accepted[i + 1]:
                accepted[i] = accepted[i + 1] = True
                changed = True
    return [
        Candidate(start, end, year_value(year), 1)
        for (start, end, year, _), ok in zip(found, accepted, strict=True)
        if ok
    ]


_RE_FISCAL_YEAR = re.compile(r"\b(?:[Ff]iscal\s+[Yy]ear|FY)\s*['’]?(?P<y>\d{4}|\d{2})\b(?![-–]\d)")


def rule_fiscal_year(match: re.Match, context: Context) -> Iterator[Candidate]:
    """ "Fiscal Year 2023", "FY23": the U.S. federal fiscal year, October 1 of the year
    before to September 30 (its value stays the year it is named for)."""
    digits = match.group("y")
    year = int(digits) if len(digits) == 4 else 2000 + int(digits)
    if _plausible_year(year):
        timex = Timex(f"{year:04d}", "date", "year", f"{year - 1:04d}-10-01", f"{year:04d}-09-30")
        yield from _candidate(match, timex, priority=2)


_RE_DECADE = re.compile(
    r"\b(?:[Tt]he\s+)?(?:(?:early|mid|late)[-\s]+)?(?P<y>1\d{2}0|20\d0)['’]?s\b"
    r"|(?:\b[Tt]he\s+)?['’](?P<yy>\d0)s\b"
)


def rule_decade(match: re.Match, context: Context) -> Iterator[Candidate]:
    """'the 1950s' -> 195X, 'the ’90s' -> 199X."""
    if match.group("y"):
        start_year = int(match.group("y"))
        if start_year % 100 == 0 and start_year < 2000:
            # "the 1800s" is the nineteenth century, not the decade 1800-1809
            yield from _candidate(match, _hundreds_value(start_year), priority=2)
            return
    else:
        short = int(match.group("yy"))
        start_year = (1900 if short >= 30 else 2000) + short
    if _number_context(context.text, match.start(), match.end()):
        return
    yield from _candidate(match, decade_value(start_year), priority=2)


_RE_CENTURY = re.compile(rf"\b(?:[Tt]he\s+)?(?P<o>{_ORDINAL})[-\s]+[Cc]entury\b", re.IGNORECASE)


def rule_century(match: re.Match, context: Context) -> Iterator[Candidate]:
    """'21st century' -> 20, 'the nineteenth century' -> 18."""
    ordinal = parse_ordinal(match.group("o"))
    if ordinal and 1 <= ordinal <= 22:
        yield from _candidate(match, century_value(ordinal), priority=2)


# -- seasons, quarters, halves

_RE_SEASON = re.compile(
    r"\b(?:(?P<rel>this\s+past|this\s+coming|this|last|next|the|early|late)\s+)?"
    r"(?P<s>spring|summer|fall|autumn|winter)(?:\s+(?:of\s+)?(?P<y>\d{4}))?\b(?![-–]\d)",
    re.IGNORECASE,
)


def rule_season(match: re.Match, context: Context) -> Iterator[Candidate]:
    """'this summer' (anchored) -> 2021-SU, 'the spring of 2019' -> 2019-SP."""
    code = _SEASONS[match.group("s").lower()]
    rel = (match.group("rel") or "").lower().split()
    if match.group("y"):
        year = int(match.group("y"))
        if _plausible_year(year):
            yield from _candidate(match, season_value(year, code), priority=2)
        return
    if context.anchor is None or not rel or rel[0] in ("the", "early", "late"):
        return
    yield from _candidate(match, season_value(_season_year(context.anchor, code, rel), code))


def _season_year(anchor: date, code: str, rel: list[str]) -> int:
    """The year of the season 'this', 'last' or 'next' names, seen from the anchor."""
    first, last = _SEASON_MONTHS[code]
    month = anchor.month
    if code == "WI":  # the winter of year Y runs from December Y to February Y+1
        in_season = month == 12 or month <= 2
        current = anchor.year - 1 if month <= 2 else anchor.year
        started, ended = in_season, False
        previous = current - 1 if in_season else anchor.year - 1
    else:
        current = anchor.year
        started, ended = month >= first, month > last
        previous = current if ended else current - 1
    if rel[0] == "last" or rel[-1] == "past":
        return previous
    if rel[0] == "next" or rel[-1] == "coming":
        return current + 1 if started else current
    return current


_QUARTERS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "1st": 1,
    "2nd": 2,
    "3rd": 3,
    "4th": 4,
    "final": 4,
    "last": 4,
}
_RE_QUARTER = re.compile(
    r"\b(?:the\s+)?(?P<q>first|second|third|fourth|1st|2nd|3rd|4th|final|last)\s+"
    r"(?P<unit>quarter|half)\s+of\s+(?:(?:calendar|fiscal)\s+(?:year\s+)?|FY\s*)?"
    r"(?:(?P<y>\d{4})|(?P<this>this|the)\s+(?:fiscal\s+|calendar\s+)?year)\b"
    r"|\bQ(?P<qn>[1-4])\s+(?P<y2>\d{4})\b|\b(?P<y3>\d{4})\s*Q(?P<qn3>[1-4])\b",
    re.IGNORECASE,
)


def rule_quarter(match: re.Match, context: Context) -> Iterator[Candidate]:
    """'the first quarter of 2021' -> 2021-Q1, 'the second half of this year' -> 2021-H2."""
    groups = match.groupdict()
    year_text = groups["y"] or groups["y2"] or groups["y3"]
    if year_text:
        year = int(year_text)
    elif groups["this"] and context.anchor is not None:
        year = context.anchor.year
    else:
        return
    if groups["q"]:
        number = _QUARTERS[groups["q"].lower()]
        if groups["unit"].lower() == "half":
            if number > 2 and groups["q"].lower() not in ("final", "last"):
                return
            yield from _candidate(match, half_value(year, min(number, 2)), priority=2)
            return
        yield from _candidate(match, quarter_value(year, number), priority=2)
    else:
        yield from _candidate(
            match, quarter_value(year, int(groups["qn"] or groups["qn3"])), priority=2
        )


# -- relative to the publication date

_RE_AGO = re.compile(rf"\b(?P<n>{_COUNT}|an?)\s+(?P<u>{_UNIT})\s+ago\b", re.IGNORECASE)


def rule_ago(match: re.Match, context: Context) -> Iterator[Candidate]:
    """'seventy years ago' in 2021 -> 1951; 'decades ago' -> PAST_REF."""
    unit = _unit_of(match.group("u"))
    amount = parse_count(match.group("n"))
    anchor = context.anchor
    if amount is None or unit in _TIME_UNITS:
        yield from _candidate(match, ref_value("PAST_REF"))
        return
    if anchor is None:
        return
    if unit == "year":
        yield from _candidate(match, year_value(anchor.year - amount))
    elif unit == "decade":
        yield from _candidate(match, year_value(anchor.year - 10 * amount))
    elif unit == "century":
        yield from _candidate(match, year_value(anchor.year - 100 * amount))
    elif unit == "month":
        year, month = shift_months(anchor, -amount)
        yield from _candidate(match, month_value(year, month))
    elif unit == "week":
        yield from _candidate(match, week_value(anchor - timedelta(weeks=amount)))
    elif unit == "day":
        past = anchor - timedelta(days=amount)
        yield from _candidate(match, day_value(past.year, past.month, past.day))


_RE_RELATIVE_UNIT = re.compile(
    r"\b(?:(?P<the>the)\s+)?(?:(?P<side>earlier|later)\s+(?:in\s+)?)?"
    r"(?P<rel>this|last|next|past|coming|current|previous|upcoming)\s+"
    r"(?:(?P<adj>[a-z]+)\s+)?(?P<u>year|month|week|decade|century|quarter)\b(?!-)",
    re.IGNORECASE,
)


def rule_relative_unit(match: re.Match, context: Context) -> Iterator[Candidate]:
    """'last year' -> 2020, 'this historic year' -> anchor year, 'the past year' -> P1Y."""
    rel = match.group("rel").lower()
    unit = match.group("u").lower()
    adjective = match.group("adj")
    if adjective:
        # Only "this <adjective> year": "last two years" is a duration rule's business.
        if rel != "this" or adjective.lower() in _UNIT_ADJECTIVE_BLOCKLIST:
            return
        if _tag_at(context, match.start("adj")) not in ("JJ", "JJR", "JJS", "VBN"):
            return
    if match.group("the") and rel in ("past", "last", "next", "previous"):
        yield from _candidate(match, duration_value(1, unit))
        return
    if rel == "previous" or (rel == "past" and not match.group("the")):
        return
    if context.anchor is None:
        return
    step = {"this": 0, "current": 0, "last": -1, "next": 1, "coming": 1, "upcoming": 1}[rel]
    yield from _candidate(match, _shift(context.anchor, unit, step))


def _shift(anchor: date, unit: str, step: int) -> Timex:
    if unit == "year":
        return year_value(anchor.year + step)
    if unit == "month":
        year, month = shift_months(anchor, step)
        return month_value(year, month)
    if unit == "week":
        return week_value(anchor + timedelta(weeks=step))
    if unit == "quarter":
        quarter = (anchor.month - 1) // 3 + step
        return quarter_value(anchor.year + quarter // 4, quarter % 4 + 1)
    if unit == "decade":
        return decade_value(anchor.year // 10 * 10 + 10 * step)
    return century_value(anchor.year // 100 + 1 + step)


_RE_DEICTIC_DAY = re.compile(
    r"\b(?P<w>today|yesterday|tomorrow|tonight)\b(?!['’]s\s+(?:world|era|age|society))"
    r"|\b(?P<part>this|yesterday|tomorrow)\s+(?P<tod>morning|afternoon|evening)\b"
    r"|\b(?P<last>last)\s+(?P<night>night)\b",
    re.IGNORECASE,
)
_TIME_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}


def rule_deictic_day(match: re.Match, context: Context) -> Iterator[Candidate]:
    """'today' -> the anchor day, 'yesterday' -> the day before, 'this morning'."""
    if context.anchor is None:
        return
    word = (match.group("w") or match.group("part") or match.group("last")).lower()
    offset = {"today": 0, "tonight": 0, "this": 0, "yesterday": -1, "tomorrow": 1, "last": -1}[word]
    day = context.anchor + timedelta(days=offset)
    timex = day_value(day.year, day.month, day.day)
    part = "night" if word in ("tonight", "last") else (match.group("tod") or "").lower()
    if timex is not None and part:
        timex = Timex(
            f"{timex.value}T{_TIME_OF_DAY[part]}",
            "date",
            "time",
            timex.range_start,
            timex.range_end,
        )
    yield from _candidate(match, timex)


_RE_WEEKDAY = re.compile(
    rf"\b(?P<rel>(?i:on|last|next|this\s+past|this\s+coming|this|since|until|by))\s+"
    rf"(?P<w>{_WEEKDAY})\b(?!,?\s+{_MONTH}|,?\s+\d)"
)


def rule_weekday(match: re.Match, context: Context) -> Iterator[Candidate]:
    """'on Monday': the nearest such day, before the anchor unless 'next'/'coming'."""
    if context.anchor is None:
        return
    target = _WEEKDAYS.index(match.group("w").lower())
    rel = match.group("rel").lower()
    forward = rel in ("next", "this coming", "until", "by") or (
        rel in ("on", "this")
        and re.search(r"\b(?:will|shall|to be|plans?|scheduled)\b", context.text)
    )
    delta = (target - context.anchor.weekday()) % 7
    if forward:
        day = context.anchor + timedelta(days=delta or 7)
    else:
        day = context.anchor - timedelta(days=(context.anchor.weekday() - target) % 7)
    keep_rel = rel not in ("on", "since", "until", "by")
    start = match.start() if keep_rel else match.start("w")
    yield Candidate(start, match.end(), day_value(day.year, day.month, day.day), 1)


_RE_TIME = re.compile(
    r"(?<![\w.:])(?P<h>\d{1,2})(?::(?P<min>\d{2}))?\s*(?P<ap>[ap]\.m\.|[AP]\.M\.?|[ap]m\b|[AP]M\b)"
    r"(?:\s+(?:ET|EST|EDT|PT|PST|PDT|CT|UTC|GMT)\b)?"
)


def rule_time(match: re.Match, context: Context) -> Iterator[Candidate]:
    """'10:30 a.m.' on the anchor day: 2021-04-16T10:30."""
    hour = int(match.group("h"))
    minute = int(match.group("min") or 0)
    if not 1 <= hour <= 12 or minute > 59:
        return
    if match.group("ap").lower().startswith("p") and hour != 12:
        hour += 12
    elif match.group("ap").lower().startswith("a") and hour == 12:
        hour = 0
    # its day is the sentence's (`_times_on_their_day`), unknown until then
    yield from _candidate(match, Timex(f"XXXX-XX-XXT{hour:02d}:{minute:02d}", "date", "time"))


# -- vague references

_RE_REF = re.compile(
    r"\b(?P<past>recently|lately|(?:in\s+)?recent\s+(?:years|months|decades|weeks|days|times)"
    r"|(?:years|decades|centuries)\s+ago)\b"
    r"|\b(?P<future>(?:in|into)\s+the\s+(?:near\s+|distant\s+|foreseeable\s+|not-too-distant\s+)?"
    r"future|in\s+the\s+(?:coming|next\s+few)\s+(?:years|months|decades|weeks|days)"
    r"|(?:in\s+)?the\s+(?:coming|next\s+few)\s+(?:years|months|decades|weeks|days)"
    r"|(?:in\s+)?the\s+(?:years|months|decades|weeks|days)\s+(?:ahead|to\s+come))\b"
    r"|\b(?P<present>nowadays|these\s+days|at\s+present)\b",
    re.IGNORECASE,
)


def rule_ref(match: re.Match, context: Context) -> Iterator[Candidate]:
    """'recently' -> PAST_REF, 'in the future' -> FUTURE_REF, 'nowadays' -> PRESENT_REF."""
    for name in ("past", "future", "present"):
        if match.group(name):
            yield from _candidate(match, ref_value(f"{name.upper()}_REF"), group=name)
            return


# -- durations

_RE_DURATION = re.compile(
    rf"\b(?P<n>{_COUNT}|an?)(?:\s+more)?(?:\s+(?P<adj>[a-z]+(?:-[a-z]+)?))?[-\s]+"
    rf"(?P<u>{_UNIT})\b(?P<tail>(?:\s+|-)(?:ago|old|of\s+age)\b|-)?",
    re.IGNORECASE,
)


def rule_duration(match: re.Match, context: Context) -> Iterator[Candidate]:
    """'four difficult years' -> P4Y, 'a year' -> P1Y, '10-year' -> P10Y; 'a day' after an
    amount ('$5 million a year', 'twice a day') -> a set."""
    tail = (match.group("tail") or "").strip().lower()
    if tail == "ago" or tail.endswith(("old", "age")):
        return
    if tail == "-" and context.text[match.end() : match.end() + 3].lower() == "old":
        return  # "a 17-year-old" is an age
    number_text = " ".join(match.group("n").lower().split())
    unit_word = match.group("u").lower()
    unit = _unit_of(unit_word)
    plural = unit_word.endswith("s") or unit_word == "centuries"
    if unit == "second" and not plural:
        return  # "a second term"
    adjective = match.group("adj")
    if adjective and (
        adjective.lower() in _UNIT_ADJECTIVE_BLOCKLIST
        or _tag_at(context, match.start("adj")) not in ("JJ", "JJR", "JJS", "VBN", "VBG")
    ):
        return
    amount = parse_count(number_text)
    if number_text in ("a", "an"):
        if plural:
            return
        if _is_rate(context.text, match.start()):
            yield from _candidate(match, set_value(1, unit))
            return
    elif amount is None and number_text not in _VAGUE_COUNTS:
        return
    before = _word_before(context.text, match.start())
    if number_text.isdigit() and before in _NUMBER_CUES:
        return
    if number_text == "one" and unit == "day" and before not in _DURATION_CUES:
        return  # "one day, we will..." is vague, not a one-day span
    yield from _candidate(match, duration_value(amount, unit))


_DURATION_CUES = _wordset("for in within after over than just only a single")


def _is_rate(text: str, position: int) -> bool:
    """'$5 million a year', 'twice a day', '24 hours a day': the 'a <unit>' is a set."""
    before = text[:position].rstrip()
    return bool(
        re.search(
            r"(?:\d|\b(?:times|once|twice|thrice|million|billion|trillion|thousand|hundred|"
            r"dollars|percent|hours|days|minutes|meals|doses))\s*$",
            before,
            re.IGNORECASE,
        )
    )


_RE_VAGUE_DURATION = re.compile(
    r"\b(?P<cue>for|over|within|after|in)\s+(?P<u>years|decades|months|weeks|centuries)\b"
    r"(?!\s+(?:ago|old))"
    r"|\b(?P<u2>years|decades|centuries)(?:\s+to\s+come\b|-long\b|\s+of\b)"
    r"|\b(?P<multi>multi-?(?P<mu>year|decade|month|week|day))\b(?!-old)"
    r"|\b(?P<long>(?P<lu>year|decade|month|week|day)s?-?long)\b",
    re.IGNORECASE,
)


def rule_vague_duration(match: re.Match, context: Context) -> Iterator[Candidate]:
    """'for decades' -> PXDE, 'multi-year' -> PXY, 'year-long' -> P1Y."""
    if re.search(r"\d\s*$", context.text[: match.start()]) or re.match(
        r"\s+of\s+age\b", context.text[match.end() :]
    ):
        return  # "45 years of age": an age, and the count belongs to the number before
    if match.group("u"):
        yield from _candidate(match, duration_value(None, _unit_of(match.group("u"))), "u")
    elif match.group("u2"):
        yield from _candidate(match, duration_value(None, _unit_of(match.group("u2"))), "u2")
    elif match.group("multi"):
        yield from _candidate(match, duration_value(None, match.group("mu").lower()), "multi")
    else:
        unit = match.group("lu").lower()
        plural = match.group("long").lower().startswith(unit + "s")
        yield from _candidate(match, duration_value(None if plural else 1, unit), "long")


_RE_ANNIVERSARY = re.compile(rf"\b(?P<o>{_ORDINAL})\s+[Aa]nniversary\b")


def rule_anniversary(match: re.Match, context: Context) -> Iterator[Candidate]:
    """'the 70th anniversary' -> P70Y."""
    ordinal = parse_ordinal(match.group("o"))
    if ordinal:
        yield from _candidate(match, duration_value(ordinal, "year"), priority=2)


_RE_HALF_CENTURY = re.compile(
    r"\b(?:half\s+a|a\s+half[-\s]|a\s+quarter[-\s]?)(?P<u>century|decade)\b", re.IGNORECASE
)


def rule_half_century(match: re.Match, context: Context) -> Iterator[Candidate]:
    """'half a century' -> P50Y, 'a quarter century' -> P25Y."""
    quarter = "quarter" in match.group(0).lower()
    size = 100 if match.group("u").lower() == "century" else 10
    yield from _candidate(match, duration_value(size // (4 if quarter else 2), "year"), priority=2)


# -- sets

_RE_SET = re.compile(
    rf"\b(?:every|each)\s+(?:(?P<other>other)\s+|(?P<n>{_COUNT})\s+)?"
    r"(?P<u>years?|months?|weeks?|days?|decades?|quarters?|summers?|winters?|"
    r"springs?|autumns?)\b"
    r"|\b(?P<adv>annually|biannually|biennially|daily|weekly|monthly|yearly|quarterly|hourly)\b"
    r"|\b(?P<per>per\s+(?:year|month|week|day|annum|hour))\b"
    r"|\b(?P<yoy>year\s+after\s+year|year-round|year\s+round|day\s+after\s+day)\b",
    re.IGNORECASE,
)
_ADVERB_SETS = {
    "annually": (1, "year"),
    "yearly": (1, "year"),
    "biennially": (2, "year"),
    "biannually": (6, "month"),
    "daily": (1, "day"),
    "weekly": (1, "week"),
    "monthly": (1, "month"),
    "quarterly": (3, "month"),
    "hourly": (1, "hour"),
}


def rule_set(match: re.Match, context: Context) -> Iterator[Candidate]:
    """'every year' -> P1Y (set), 'annually', 'every two years' -> P2Y (set)."""
    if match.group("u"):
        word = _unit_of(match.group("u"))
        if word == "quarter":
            amount, unit = 3, "month"
        elif word in _SEASONS:
            amount, unit = 1, "year"
        else:
            amount, unit = 1, word
        if match.group("other"):
            amount *= 2
        elif match.group("n"):
            count = parse_count(match.group("n"))
            if count is None:
                return
            amount *= count
        yield from _candidate(match, set_value(amount, unit))
    elif match.group("adv"):
        word = match.group("adv").lower()
        # "daily lives", "weekly newsletter": adjectives that name no recurrence of an event.
        if (
            word not in ("annually", "biannually", "biennially")
            and _tag_at(context, match.start("adv")) != "RB"
        ):
            return
        amount, unit = _ADVERB_SETS[word]
        yield from _candidate(match, set_value(amount, unit), "adv")
    elif match.group("per"):
        unit = match.group("per").lower().split()[-1]
        yield from _candidate(match, set_value(1, "year" if unit == "annum" else unit), "per")
    else:
        unit = "day" if match.group("yoy").lower().startswith("day") else "year"
        yield from _candidate(match, set_value(1, unit), "yoy")


RULES: tuple[tuple[re.Pattern, Rule], ...] = (
    (_RE_DAY_OF_MONTH, rule_full_date),
    (_RE_MDY, rule_full_date),
    (_RE_DMY, rule_full_date),
    (_RE_ISO, rule_full_date),
    (_RE_US_NUMERIC, rule_full_date),
    (_RE_MONTH_YEAR, rule_month_year),
    (_RE_DAY_RANGE, rule_day_range),
    (_RE_MONTH_DAY, rule_month_day),
    (_RE_DAY_MONTH, rule_month_day),
    (_RE_MONTH_ALONE, rule_month_alone),
    (_RE_YEAR_RANGE, rule_year_range),
    (_RE_FISCAL_YEAR, rule_fiscal_year),
    (_RE_DECADE, rule_decade),
    (_RE_CENTURY, rule_century),
    (_RE_SEASON, rule_season),
    (_RE_QUARTER, rule_quarter),
    (_RE_AGO, rule_ago),
    (_RE_RELATIVE_UNIT, rule_relative_unit),
    (_RE_DEICTIC_DAY, rule_deictic_day),
    (_RE_WEEKDAY, rule_weekday),
    (_RE_TIME, rule_time),
    (_RE_REF, rule_ref),
    (_RE_ANNIVERSARY, rule_anniversary),
    (_RE_HALF_CENTURY, rule_half_century),
    (_RE_DURATION, rule_duration),
    (_RE_VAGUE_DURATION, rule_vague_duration),
    (_RE_SET, rule_set),
)


# ---------------------------------------------------------------- selection


def _overlaps(start: int, end: int, kept: list[Candidate]) -> bool:
    return any(start < c.end and c.start < end for c in kept)


def select(candidates: list[Candidate]) -> list[Candidate]:
    """Non-overlapping candidates, longer (then higher-priority) ones first."""
    kept: list[Candidate] = []
    for cand in sorted(candidates, key=lambda c: (-(c.end - c.start), -c.priority, c.start)):
        if not _overlaps(cand.start, cand.end, kept):
            kept.append(cand)
    return sorted(kept, key=lambda c: c.start)


def entity_candidates(
    sentence: SentenceContext, context: Context, taken: list[Candidate]
) -> list[Candidate]:
    """Bare-number DATE entities of the model that the patterns left out.

    Only a lone four-digit year is taken from the model: every other shape it
    labels DATE is either covered by a pattern or too unreliable to normalize.
    """
    found = []
    for ent in sentence.span.ents:
        if ent.label_ != "DATE":
            continue
        start = ent.start_char - sentence.span.start_char
        end = ent.end_char - sentence.span.start_char
        text = context.text[start:end]
        if _overlaps(start, end, taken) or not re.fullmatch(r"\d{4}", text):
            continue
        if not _plausible_year(int(text)) or _number_context(context.text, start, end):
            continue
        if sentence.kind in ("heading", "title"):
            continue
        found.append(Candidate(start, end, year_value(int(text)), 0))
    return found


def _apply(pattern: re.Pattern, rule: Rule, context: Context) -> list[Candidate]:
    """Run a rule over every match; a rejected match does not hide a shorter one inside it."""
    found: list[Candidate] = []
    position = 0
    while (match := pattern.search(context.text, position)) is not None:
        accepted = list(rule(match, context))
        found.extend(accepted)
        position = match.end() if accepted and match.end() > match.start() else match.start() + 1
    return found


def _rules_for_block(doc: Doc) -> list[tuple[re.Pattern, Rule]]:
    """The rules whose pattern occurs somewhere in the sentence's block.

    One search per rule and block instead of per sentence; sentences are
    separated by white space inside a block, so no rule that matches a
    sentence is skipped.
    """
    rules = doc.user_data.get("date_rules")
    if rules is None:
        text = doc_text(doc)
        rules = doc.user_data["date_rules"] = [(p, r) for p, r in RULES if p.search(text)]
    return rules


def sentence_candidates(sentence: SentenceContext, anchor: date | None) -> list[Candidate]:
    """All accepted temporal expressions of one sentence, in sentence characters."""
    span = sentence.span
    text = span.text
    tags = {tok.idx - span.start_char: tok.tag_ for tok in span}
    context = Context(text, anchor, tags, sentence.kind)
    candidates: list[Candidate] = []
    for pattern, rule in _rules_for_block(span.doc):
        candidates.extend(_apply(pattern, rule, context))
    candidates = select(candidates)
    candidates = select(candidates + year_candidates(context, candidates))
    candidates = select(candidates + entity_candidates(sentence, context, candidates))
    return [c for c in _times_on_their_day(candidates) if _keep_in_block(c, context)]


def _times_on_their_day(candidates: list[Candidate]) -> list[Candidate]:
    """A clock time takes the day its sentence names, the nearest one ("on May 3, 2021, at
    4:30 p.m."); with no day named it stays a time of an unknown day, never the anchor's."""
    days = [c for c in candidates if c.timex.granularity == "day"]
    out = []
    for cand in candidates:
        if cand.timex.granularity == "time" and days:
            day = min(days, key=lambda d: abs(d.start - cand.start)).timex.value
            clock = cand.timex.value.split("T")[1]
            cand = replace(cand, timex=replace(cand.timex, value=f"{day}T{clock}",
                                               range_start=day, range_end=day))  # fmt: skip
        out.append(cand)
    return out


def _keep_in_block(candidate: Candidate, context: Context) -> bool:
    """Headings and titles keep only explicit calendar dates and periods."""
    if context.kind not in ("heading", "title"):
        return True
    timex = candidate.timex
    return timex.kind == "date" and timex.granularity in (
        "day",
        "month",
        "season",
        "quarter",
        "year",
        "decade",
        "century",
    )


def extract_dates(sentences: list[SentenceContext], meta: DocumentMeta) -> list[DateMention]:
    """Temporal expressions of a document, normalized against its publication date."""
    anchor = meta.anchor
    mentions: list[DateMention] = []
    for sentence in sentences:
        base = sentence.start
        for cand in sentence_candidates(sentence, anchor):
            start, end = _trim(sentence.span.text, cand.start, cand.end)
            if start >= end:
                continue
            timex = cand.timex
            mentions.append(
                DateMention(
                    sentence_index=sentence.index,
                    start=base + start,
                    end=base + end,
                    text=sentence.span.text[start:end],
                    value=timex.value,
                    kind=timex.kind,
                    granularity=timex.granularity,
                    range_start=timex.range_start,
                    range_end=timex.range_end,
                )
            )
    return mentions


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip surrounding white space and stray punctuation from a span."""
    while start < end and (text[start].isspace() or text[start] in ",;:("):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in ",;:)"):
        end -= 1
    return start, end
