"""TEMPORARY during the restructure: the old constants the unconverted pages still import.
Deleted once every page reads the partnership profile."""

DUDLEY, REGION, ENGLAND = "E08000027", "E12000005", "E92000001"
COMPARATORS = {"both": [DUDLEY, REGION, ENGLAND], "region": [DUDLEY, REGION],
               "england": [DUDLEY, ENGLAND]}
COMPARATOR_CHOICES = [("both", "Region and England"), ("region", "West Midlands"),
                      ("england", "England")]
