"""The annual reports' tables: registries, manifests, tidying, periods, units, derived
figures and the consistency checks."""
