"""Fixed words shown on every page."""

LICENCE = ("Contains public sector information licensed under the Open Government "
           "Licence v3.0.")
BOUNDARIES = ("Maps contain National Statistics data © Crown copyright and database right, "
              "and OS data © Crown copyright and database right.")
