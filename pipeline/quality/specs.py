"""What a review sheet of each table shows and asks.

One `SheetSpec` per reviewed table: the published fields the judge checks (under
the sheet's column names), how many contexts each row shows, and one question
per verdict column. The sampler writes these columns and the scorer requires them.
"""

from __future__ import annotations

from dataclasses import dataclass

VERDICT_PREFIX = "ok_"
GUIDELINES_NAME = "GUIDELINES.md"


@dataclass(frozen=True)
class Verdict:
    column: str  # "ok_<attribute>"
    question: str

    @property
    def attribute(self) -> str:
        return self.column.removeprefix(VERDICT_PREFIX)


@dataclass(frozen=True)
class SheetSpec:
    table: str
    what: str  # what one row of the sheet is, for the judge
    fields: tuple[str, ...]  # sheet columns holding published values, the row's id first
    verdicts: tuple[Verdict, ...]
    contexts: int = 1  # entities and treaties show up to two mentions
    document_date: bool = False  # the document's publication date beside its title

    @property
    def verdict_columns(self) -> tuple[str, ...]:
        return tuple(verdict.column for verdict in self.verdicts)


SPECS: dict[str, SheetSpec] = {
    spec.table: spec
    for spec in (
        SheetSpec(
            table="entities",
            what="a distinct entity, shown with up to two places where the documents mention it",
            fields=("entity_id", "name", "type", "aliases", "wikidata_id", "iso3"),
            verdicts=(
                Verdict(
                    "ok_real_entity",
                    "Is this one real, specific named entity of a type the guidelines "
                    "list (not a technology, a generic phrase, a heading or a fragment)?",
                ),
                Verdict(
                    "ok_name_and_type",
                    "Is `name` its full common English name and `type` right? When "
                    "`wikidata_id` or `iso3` is given, it must identify the same referent.",
                ),
            ),
            contexts=2,
        ),
        SheetSpec(
            table="mentions",
            what="a mention of an entity in a document",
            fields=(
                "mention_id",
                "text",
                "entity_name",
                "entity_type",
                "entity_id",
                "entity_wikidata_id",
                "entity_iso3",
            ),
            verdicts=(
                Verdict(
                    "ok_span",
                    "Is the highlighted text a mention of a named entity, whole "
                    "(the complete name) and nothing more?",
                ),
                Verdict(
                    "ok_entity",
                    "Does the mention refer to the entity given (`entity_name`, "
                    "`entity_type`, and the ids when given)?",
                ),
            ),
        ),
        SheetSpec(
            table="dates",
            what="a temporal expression in a document",
            fields=("date_id", "text", "value", "kind", "start", "end", "treaty"),
            verdicts=(
                Verdict(
                    "ok_value",
                    "Is the highlighted text a temporal expression, and are `value` "
                    "(TIMEX3), `kind` and the days `start`..`end` right for it in "
                    "context (the document's date is `published`)?",
                ),
                Verdict(
                    "ok_treaty",
                    "Only where `treaty` is given: does this expression date that "
                    "agreement (its signing, entry into force, an amendment)? "
                    "Leave blank when no treaty is given.",
                ),
            ),
            document_date=True,
        ),
        SheetSpec(
            table="treaties",
            what="a distinct international agreement, shown with up to two places where "
            "the documents mention it",
            fields=("treaty_id", "name", "aliases", "kind", "parties", "signed", "status"),
            verdicts=(
                Verdict(
                    "ok_real_agreement",
                    "Is this one international agreement as the guidelines define it "
                    "(not a domestic law, a forum or a generic phrase)?",
                ),
                Verdict(
                    "ok_name",
                    "Is `name` the agreement's canonical name, and do `aliases` and `kind` fit it?",
                ),
                Verdict(
                    "ok_parties",
                    "Are `parties` (ISO alpha-3 codes) its parties? Leave blank when "
                    "none are given.",
                ),
                Verdict(
                    "ok_signed",
                    "Is `signed` its signing date (TIMEX3)? Leave blank when none is given.",
                ),
            ),
            contexts=2,
        ),
        SheetSpec(
            table="treaty_mentions",
            what="a mention of an international agreement in a document",
            fields=("treaty_mention_id", "text", "treaty"),
            verdicts=(
                Verdict(
                    "ok_real_agreement",
                    "Does the highlighted text refer to an international agreement as "
                    "the guidelines define it?",
                ),
                Verdict("ok_linked", "Is it the agreement named in `treaty`?"),
            ),
        ),
        SheetSpec(
            table="recommendations",
            what="a recommendation: a sentence or clause that prescribes a course of action",
            fields=("recommendation_id", "text", "proposer", "addressee", "topic", "modality"),
            verdicts=(
                Verdict(
                    "ok_real",
                    "Does the highlighted text prescribe or propose an action or policy "
                    "(not a wish, a prediction, a past fact, or the authors' own commitment)?",
                ),
                Verdict(
                    "ok_proposer",
                    "Is `proposer` whose recommendation it is (a reported author, else "
                    "the document's author)?",
                ),
                Verdict(
                    "ok_addressee",
                    "Only where the text names who is to act: is `addressee` that actor "
                    "(n when it is empty or wrong)? Leave blank when the text names no "
                    "one and no addressee is given; n when one is given anyway.",
                ),
            ),
        ),
    )
}
REVIEW_TABLES: tuple[str, ...] = tuple(SPECS)

VERDICT_VALUES = ("y", "n", "na", "")
INSTRUCTIONS = (
    "Judge each row with the annotation guidelines (GUIDELINES.md, given with this sheet) "
    "and the context shown; the highlighted text ([[ ]] in the CSV, marked in the HTML "
    "page) is where the row comes from. Judge only what the sheet shows.",
    "Write one verdict in each ok_ column: y (right), n (wrong), or na / leave it blank "
    "(does not apply). When a row's first verdict is n, put na in the others.",
    "Write anything worth saying in `comment`. Do not change sample_id or the other cells.",
)


def document_columns(spec: SheetSpec) -> tuple[str, ...]:
    """The sheet columns naming each context's document and holding the context."""
    per_context = ("doc_id", "title", *(("published",) if spec.document_date else ()), "context")
    if spec.contexts == 1:
        return per_context
    return tuple(f"{name}_{i}" for i in range(1, spec.contexts + 1) for name in per_context)


def sheet_columns(spec: SheetSpec) -> tuple[str, ...]:
    """Every column of a sheet of this table, in order."""
    return ("sample_id", *spec.fields, *document_columns(spec), *spec.verdict_columns, "comment")
