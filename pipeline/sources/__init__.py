"""Sources: the registry of documents, downloads, and what maintainers do to them."""
