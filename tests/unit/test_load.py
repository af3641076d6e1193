"""`pipeline.load`: typed DataFrames from a published folder, the explode helper, texts."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import pipeline
from pipeline.outputs.datadict import foreign_keys
from pipeline.outputs.load import Dataset, load, pandas_dtype
from pipeline.release.schema import TABLES, load_schema
from tests.integration.test_report import sample_docs, write_dataset


@pytest.fixture
def data(tmp_path: Path) -> Dataset:
    return load(write_dataset(tmp_path / "processed", sample_docs()))


def test_one_attribute_per_table(data: Dataset) -> None:
    assert Dataset.table_names() == TABLES
    for table in TABLES:
        assert isinstance(getattr(data, table), pd.DataFrame)
    assert len(data.documents) == 2 and len(data.treaties) == 2


def test_dtypes_follow_the_schemas(data: Dataset) -> None:
    for table in TABLES:
        frame = getattr(data, table)
        for spec in load_schema(table)["fields"]:
            dtype = frame[spec["name"]].dtype
            expected = pandas_dtype(spec)
            if expected == "datetime64":
                assert pd.api.types.is_datetime64_any_dtype(dtype), spec["name"]
            elif expected == "category":
                assert list(dtype.categories) == spec["constraints"]["enum"], spec["name"]
            else:
                assert str(dtype) == expected, (table, spec["name"], dtype)


def test_values(data: Dataset) -> None:
    assert data.documents["pages"].tolist()[0] is pd.NA
    assert data.documents["pages"].tolist()[1] == 2
    dated = data.dates.set_index("text")
    assert dated.loc["September 1951", "start"] == pd.Timestamp("1951-09-01")
    assert pd.isna(dated.loc["four years", "start"])
    assert set(data.recommendations["topic"].cat.categories) >= {"ai", "alliance", "other"}


def test_explode_lists(data: Dataset) -> None:
    parties = data.explode("treaties", "parties")
    assert sorted(parties["parties"]) == ["JPN", "KOR", "USA", "USA"]
    assert str(parties["parties"].dtype) == "string"
    docs = data.explode("entities", "documents")
    japan = docs[docs["entity_id"] == "gpe:japan"]["documents"].tolist()
    assert japan == ["haggard-2021-beyond-deterrence", "memo-2023-script"]
    authors = data.explode("documents", "authors")
    assert len(authors) == 2 and authors["authors"].isna().sum() == 1
    assert len(data.explode("documents", "authors", dropna=True)) == 1
    with pytest.raises(KeyError):
        data.explode("treaties", "nope")


def test_text_offsets(data: Dataset) -> None:
    for row in data.sentences.itertuples():
        assert data.text(row.doc_id)[row.start_char : row.end_char] == row.text
    with pytest.raises(KeyError):
        data.text("missing")


def test_relations_are_documented() -> None:
    doc = sys.modules["pipeline.outputs.load"].__doc__
    for table in TABLES:
        for column, target, target_column in foreign_keys(table):
            assert f"{table}.{column}" in doc and f"{target}.{target_column}" in doc


def test_bad_values_fail_loudly(tmp_path: Path) -> None:
    folder = write_dataset(tmp_path / "bad", sample_docs())
    path = folder / "dates.csv"
    path.write_text(path.read_text().replace(",date,month,", ",someday,month,", 1))
    with pytest.raises(ValueError, match=r"dates\.kind"):
        load(folder)
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "nowhere")


def test_pipeline_load_is_exported_and_light() -> None:
    assert pipeline.load is load
    code = (
        "import sys, pipeline; "
        "heavy = [m for m in ('pandas', 'spacy', 'prefect') if m in sys.modules]; "
        "assert not heavy, heavy"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
