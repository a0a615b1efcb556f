"""Downloads: chart images and tables, and committee packs."""
