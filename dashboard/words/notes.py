"""The fixed words that go with downloaded figures: licence, symbols, suppression, rounding."""

from __future__ import annotations

LICENCE = ("Contains public sector information licensed under the Open Government "
           "Licence v3.0.")
# The GSS symbols a Status column may hold, in the words of the Government Statistical
# Service's guidance on symbols in tables.
SYMBOLS = {
    "c": "confidential: fewer than 6 children, or a figure that would let one be worked out "
         "(suppressed; no number is given)",
    "x": "not available",
    "z": "not applicable",
    "u": "low reliability",
    "low": "rounds to zero",
    "k": "rounds to zero",
}
SUPPRESSION_RULE = ("Figures from local case records are suppressed: a count of 1 to 5 is "
                    "shown as c with no number, and so is any count that would let one be "
                    "worked out from the totals, and any rate worked out from a suppressed "
                    "count.")
ROUNDING = ("Each value is rounded to the decimal places its measure declares (counts are "
            "whole numbers; rates and percentages have one place unless the source gives "
            "more). Halves are rounded away from zero.")
STATUS_COLUMN = ("Status: blank for a published figure, otherwise the symbol saying why "
                 "there is no value. A row's status covers every figure in the row.")
