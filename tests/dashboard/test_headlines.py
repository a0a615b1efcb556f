import pandas as pd
import pytest

from dashboard.words.headlines import headline


def _rows(values, unit="count"):
    periods = ["2009-10", "2010-11", "2011-12"][-len(values):]
    return pd.DataFrame({"period": periods,
                         "period_start": pd.to_datetime([f"{p[:4]}-04-01" for p in periods]),
                         "value": values, "unit": unit})


@pytest.mark.parametrize(("polarity", "values", "judgement", "words"), [
    ("neutral", [232, 216], "neutral", "a fall is neither good nor bad in itself"),
    ("up_good", [1705, 1652], "worse", "worse (a rise is good)"),
    ("up_good", [1652, 1705], "better", "better (a rise is good)"),
    ("down_good", [13, 14], "worse", "worse (a fall is good)"),
    ("down_good", [14, 13], "better", "better (a fall is good)"),
])
def test_change_is_judged_by_polarity_and_said_in_words(polarity, values, judgement, words):
    head = headline(_rows(values), "X", polarity)
    assert (head.judgement, head.judgement_words) == (judgement, words)


def test_latest_change_and_unit_words():
    head = headline(_rows([785, 783]), "S47", "neutral")
    assert (head.number, head.period, head.change) == ("783", "2011-12", "down 0.3% on 2010-11")
    rate = headline(_rows([595.5, 749.3], "rate_per_10000"), "Referrals", "neutral")
    assert (rate.number, rate.unit, rate.change) == ("749.3", "per 10,000 children",
                                                     "up 26% on 2010-11")
    pct = headline(_rows([13.0, 14.0], "percent"), "Repeat", "down_good")
    assert pct.change == "up 1 percentage point on 2010-11"


def test_single_value_has_no_change_and_missing_values_are_skipped():
    head = headline(_rows([81.8], "score_percent"), "S11", "up_good")
    assert head.change is None and head.number == "81.8%"
    assert headline(_rows([None, None]), "X", "neutral") is None
