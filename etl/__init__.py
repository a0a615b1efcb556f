"""ETL: annual-report tables in ``data/raw`` to tidy Parquet in ``data/processed``."""
