"""Reading hand-edited CSV files strictly, and writing outputs atomically."""
