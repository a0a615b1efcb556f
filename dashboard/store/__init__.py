"""Data access: the one place the app reads processed files."""
