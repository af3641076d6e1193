"""What analysts read: the report, the data dictionary, the typed loader."""
