import pandas as pd
import plotly.graph_objects as go

from dashboard import figures
from dashboard.figures import theme


def _frame():
    return pd.DataFrame({
        "period": ["2010-11", "2011-12", "2010-11", "2011-12"],
        "period_start": pd.to_datetime(["2010-04-01", "2011-04-01"] * 2),
        "area_name": ["Dudley", "Dudley", "England", "England"],
        "role": ["authority", "authority", "england", "england"],
        "value": [36.0, 33.0, 39.0, None],
        "unit": "rate_per_10000",
    })


def test_trend_draws_one_line_per_area_with_labels_and_styles():
    fig = figures.trend(_frame())
    assert [t.name for t in fig.data] == ["Dudley", "England"]
    dudley, england = fig.data
    assert list(dudley.y) == [36.0, 33.0] and list(dudley.text) == ["36", "33"]
    # The labels are annotations placed apart (dashboard/figures/labels.py), not point text.
    drawn = [(a.name, a.text) for a in fig.layout.annotations]
    assert drawn == [("data label: Dudley", "36"), ("data label: Dudley", "33"),
                     ("data label: England", "39")]
    assert list(england.x) == ["2010-11"], "missing values are not drawn as zero"
    assert dudley.line.dash != england.line.dash, "areas differ by more than colour"
    assert dudley.marker.symbol != england.marker.symbol


def test_bars_group_and_pattern():
    fig = figures.bars(_frame(), category="period", series="area_name")
    assert fig.layout.barmode == "group"
    assert fig.data[0].marker.pattern.shape != fig.data[1].marker.pattern.shape
    assert fig.data[0].marker.color == theme.ROLE_STYLE["authority"]["color"]
    assert fig.data[1].marker.color == theme.ROLE_STYLE["england"]["color"]


def test_styles_follow_the_role_not_the_name():
    frame = _frame().assign(area_name=lambda f: f["area_name"].map(
        {"Dudley": "Worcestershire", "England": "England"}))
    fig = figures.trend(frame)
    assert fig.data[0].name == "Worcestershire"
    assert fig.data[0].line.color == theme.ROLE_STYLE["authority"]["color"]
    report = frame.assign(variant="report")
    fig = figures.trend(report)
    assert fig.data[0].line.color == theme.ROLE_STYLE["authority"]["color"]
    assert fig.data[0].marker.symbol == "x" and fig.data[0].line.dash == "dot"


def test_horizontal_percent_bars_put_the_suffix_on_the_value_axis():
    frame = _frame().assign(unit="percent")
    fig = figures.bars(frame, category="period", series="area_name", horizontal=True)
    assert fig.layout.xaxis.ticksuffix == "%" and fig.layout.yaxis.ticksuffix is None


def test_funnel_labels_each_stage_with_conversion():
    fig = figures.funnel([("Strategy discussions", 809), ("Section 47 enquiries", 783)])
    assert fig.data[0].text[1] == "783 (96.8% of the stage before)"


def test_banded_heatmap_labels_cells_and_gaps():
    matrix = pd.DataFrame({"1": [93.0, 100.0], "2": [None, 62.0]}, index=["A", "B"])
    fig = figures.banded_heatmap(matrix)
    text = fig.data[0].text
    assert text[0][1] == "no score"
    assert text[1][0].startswith("100%") and "Green" in text[1][0]
    assert text[1][1].startswith("62%") and "Blue" in text[1][1]


def test_export_figure_has_title_subtitle_source_and_a4_size():
    fig = figures.for_export(go.Figure(go.Bar(x=[1], y=[2])), "A finding", "Number, 2011-12",
                             "Annual report, Table 1", ["A note"])
    assert "A finding" in fig.layout.title.text and "Number, 2011-12" in fig.layout.title.text
    footer = fig.layout.annotations[-1].text
    assert "Source: Annual report, Table 1" in footer and "A note" in footer
    assert (fig.layout.width, fig.layout.height) == (figures.EXPORT_WIDTH, figures.EXPORT_HEIGHT)


def test_sparkline_marks_the_latest_point_and_hides_axes():
    fig = figures.sparkline(_frame()[lambda f: f["area_name"] == "Dudley"])
    assert list(fig.data[0].y) == [36.0, 33.0]
    assert list(fig.data[0].marker.size) == [4, 8]
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False


def test_add_band_draws_the_interval_first_and_closed():
    frame = _frame()[lambda f: f["area_name"] == "Dudley"].assign(lower=[30.0, 28.0],
                                                                  upper=[42.0, 38.0])
    fig = figures.trend(frame)
    figures.add_band(fig, frame, "lower", "upper", "Dudley: 95% interval", "#0072B2")
    band = fig.data[0]
    assert band.name == "Dudley: 95% interval" and band.fill == "toself"
    assert list(band.x) == ["2010-11", "2011-12", "2011-12", "2010-11"]
    assert list(band.y) == [42.0, 38.0, 28.0, 30.0]


def test_ranked_bars_order_and_highlight():
    frame = pd.DataFrame({"area_code": ["A", "B", "C"], "area_name": ["Aa", "Bb", "Cc"],
                          "value": [10.0, 30.0, 20.0], "unit": "rate_per_10000"})
    fig = figures.ranked_bars(frame, "C", reference=15.0)
    bar = fig.data[0]
    assert list(bar.x) == ["Bb", "Cc", "Aa"]
    assert [c != "#b3b3b3" for c in bar.marker.color] == [False, True, False]
    assert list(bar.marker.pattern.shape) == ["", "/", ""]
    assert any("Cc" in a.text for a in fig.layout.annotations)
    assert fig.layout.shapes[0].y0 == 15.0


def test_category_grid_places_text_and_categories():
    cells = pd.DataFrame({"row": ["r1", "r1", "r2"], "column": ["Dudley", "England", "Dudley"],
                          "text": ["316<br>lower", "331", "20%<br>better"],
                          "category": ["lower", "England", "better"]})
    colours = {"better": "#111111", "lower": "#222222", "England": "#333333"}
    fig = figures.category_grid(cells, colours)
    heat = fig.data[0]
    assert heat.text[0] == ("316<br>lower", "331") or list(heat.text[0]) == ["316<br>lower",
                                                                             "331"]
    assert list(heat.z[0]) == [1, 2] and heat.z[1][0] == 0 and heat.z[1][1] is None
    assert heat.showscale is False  # the words in each cell carry the category


def test_steps_draw_each_area_by_its_role_first_step_on_top_with_a_key():
    order = ["Referrals to children's social care", "Section 47 enquiries"]
    frame = pd.DataFrame({
        "step": order * 2, "area_name": ["Worcestershire"] * 2 + ["England"] * 2,
        "role": ["authority"] * 2 + ["england"] * 2, "value": [399.8, None, 515.7, 186.2],
        "count": [4784, None, 621880, 224520]})
    fig = figures.steps(frame, order, ["Levels of need", "1 Universal services"])
    # added last first, so that the authority's bar is the top one of each step
    assert [t.name for t in fig.data] == ["England", "Worcestershire"]
    england, ours = fig.data
    first, second = ours.x
    assert ours.orientation == "h" and first == 399.8 and pd.isna(second)
    assert ours.marker.color == theme.ROLE_STYLE["authority"]["color"]
    assert ours.marker.pattern.shape != england.marker.pattern.shape
    assert list(ours.text) == ["399.8", ""] and "4,784" in ours.customdata[0]
    # the first step at the top, its long name wrapped
    assert list(fig.layout.yaxis.categoryarray) == ["Section 47 enquiries",
                                                    "Referrals to children's<br>social care"]
    assert fig.layout.legend.traceorder == "reversed"
    assert fig.layout.annotations[0].text == "<b>Levels of need</b><br>1 Universal services"
