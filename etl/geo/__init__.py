"""Places: the authorities, LSOA reference data, LSOA and district boundaries."""
