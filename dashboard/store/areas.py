"""The areas the theme pages compare, in one place."""

DUDLEY, REGION, ENGLAND = "E08000027", "E12000005", "E92000001"

# comparator choice → areas drawn (the partnership first)
COMPARATORS = {"both": [DUDLEY, REGION, ENGLAND], "region": [DUDLEY, REGION],
               "england": [DUDLEY, ENGLAND]}
COMPARATOR_CHOICES = [("both", "Region and England"), ("region", "West Midlands"),
                      ("england", "England")]
