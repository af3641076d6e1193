"""briefdata: policy documents into validated, analyst-ready tables."""

__version__ = "0.1.0"
from pipeline.outputs.load import load  # noqa: F401
