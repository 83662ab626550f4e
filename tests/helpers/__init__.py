"""Code the tests share (no fixtures here: fixture folders hold data only)."""
