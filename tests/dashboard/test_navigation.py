"""The navigation: every page for an authority whose reports are in the data; the themes
only its reports cover left out for one whose reports are not, their addresses kept."""

from dashboard.app import navigation
from dashboard.ids import Page
from dashboard.ui.pagekit import NO_CHARTS

from .helpers import WORCESTERSHIRE, authority, layout_of, walk

REPORT_ONLY = {Page.RACIST_INCIDENTS, Page.TRAINING, Page.SECTION_11}


def test_every_page_is_listed_for_the_default_authority(app):
    listed = [path for path, _ in navigation()]
    assert set(listed) == {p.path for p in Page}
    assert listed == [p.path for p in sorted(Page, key=lambda p: p.order)]


def test_report_only_themes_are_left_out_where_there_are_no_reports(app):
    with authority(WORCESTERSHIRE):
        listed = {path for path, _ in navigation()}
        assert listed == {p.path for p in Page} - {p.path for p in REPORT_ONLY}
        for page in REPORT_ONLY:
            # The address still answers, and says why there is nothing to show.
            text = " ".join(str(getattr(c, "children", "")) for c in walk(layout_of(page)))
            assert NO_CHARTS.format(name="Worcestershire") in text, page
