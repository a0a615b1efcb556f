"""Fixed words shown on every page."""

from dashboard.words.notes import LICENCE

__all__ = ["BOUNDARIES", "LICENCE"]

BOUNDARIES = ("Maps contain National Statistics data © Crown copyright and database right, "
              "and OS data © Crown copyright and database right.")
