"""The language model and segmentation: blocks into sentences with provenance."""
