"""Reference knowledge: entities and international agreements, as reviewed data."""
