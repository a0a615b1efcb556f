"""Words: numbers, units, findings and headline figures in plain language."""
