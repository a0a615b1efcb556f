"""Dash app for board members: trends and comparisons from ``data/processed``."""
