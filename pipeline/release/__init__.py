"""A release: document records into validated tables, published atomically."""
