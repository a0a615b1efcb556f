"""Fixed words shown on every page."""

LICENCE = ("Contains public sector information licensed under the Open Government "
           "Licence v3.0.")
