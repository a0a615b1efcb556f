"""Small-area figures from local extracts: reading, counting, disclosure control and the
synthetic sample."""
