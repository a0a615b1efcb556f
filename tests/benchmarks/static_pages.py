"""The reference side of ``bench_pages.py``: a static HTML page that draws given plotly
figures with the full plotly.js bundle, the small HTTP server that serves it, and the
in-page watch that times both the app's pages and these the same way.

Everything here but ``StaticServer`` is a pure function of its arguments, so a test can
build a page from one figure and open it (``tests/benchmarks/test_static_pages.py``).
"""

from __future__ import annotations

import html
import json
import logging
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import plotly

log = logging.getLogger(__name__)

FULL_BUNDLE = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
SCRIPT_NAME = "plotly.min.js"
MAX_AGE = 3600  # as the app's plotly.js (dashboard.server.plotlyjs): cached, then revalidated

# Added to every document before its own scripts run (Playwright's init script, which a
# page's Content-Security-Policy does not block): on every animation frame, note when the
# number of drawn graphs or the pending state changes, as [ms since navigation start,
# graphs drawn, graphs on the page, pending]. A graph is drawn once plotly has worked out
# its traces and made its main SVG; pending while the document is loading, has no main
# heading yet (the app's page content has not arrived) or Dash marks any component loading.
WATCH = """(() => {
  window.__draws = [];
  let last = '';
  const drawn = g => !!(g._fullData && g._fullData.length && g.querySelector('.main-svg'));
  const look = () => {
    const graphs = Array.from(document.querySelectorAll('.js-plotly-plot'));
    const pending = document.readyState === 'loading' || !document.querySelector('main h1') ||
      !!document.querySelector('[data-dash-is-loading="true"]');
    const row = [graphs.filter(drawn).length, graphs.length, pending];
    const key = row.join();
    if (key !== last) { window.__draws.push([performance.now(), ...row]); last = key; }
    requestAnimationFrame(look);
  };
  requestAnimationFrame(look);
})();"""

# The watch's time (ms) of the first frame with ``expected`` graphs drawn, every graph
# on the page drawn and nothing pending; null until then.
DRAWN_AT = """(expected) => {
  const hit = (window.__draws || []).find(([t, drawn, total, pending]) =>
    drawn >= expected && drawn === total && !pending);
  return hit ? hit[0] : null;
}"""

# The figures the page shows, in page order, as plotly drew them: the data and layout it
# was given (typed arrays as lists), a JSON-safe part of its config, and its size in px.
FIGURES = """() => {
  const keys = ['displaylogo', 'displayModeBar', 'showSendToCloud', 'responsive',
                'modeBarButtonsToRemove', 'staticPlot', 'scrollZoom', 'showTips'];
  const plain = (k, v) => ArrayBuffer.isView(v) ? Array.from(v) : v;
  return Array.from(document.querySelectorAll('.js-plotly-plot')).map(g => {
    const box = g.getBoundingClientRect();
    const config = {};
    for (const k of keys) if (g._context && k in g._context) config[k] = g._context[k];
    return JSON.parse(JSON.stringify({data: g.data, layout: g.layout, config,
      width: Math.round(box.width), height: Math.round(box.height)}, plain));
  });
}"""

# The bytes of JavaScript the page loaded, as the Performance API saw it: the bytes sent
# (0 for a file the browser's cache answered) and the size of the scripts once decoded.
SCRIPT_BYTES = """() => {
  const entries = performance.getEntriesByType('resource')
    .filter(r => r.initiatorType === 'script' || /\\.js(\\?|$)/.test(r.name));
  return [entries.reduce((s, r) => s + r.transferSize, 0),
          entries.reduce((s, r) => s + r.decodedBodySize, 0), entries.length];
}"""


def static_html(figures: list[dict], title: str = "Static figures",
                script: str = SCRIPT_NAME) -> str:
    """A page that loads plotly.js from ``script`` and draws each figure (``data``,
    ``layout``, optional ``config``, ``width`` and ``height`` in px, as ``FIGURES``
    returns them) with ``Plotly.newPlot`` into a div of that size, in order."""
    divs, calls = [], []
    for i, figure in enumerate(figures):
        width, height = int(figure.get("width") or 700), int(figure.get("height") or 450)
        divs.append(f'<div id="figure-{i}" style="width:{width}px;height:{height}px"></div>')
        spec = {"data": figure.get("data", []), "layout": figure.get("layout", {}),
                "config": figure.get("config", {})}
        # "</" would end the script element early: JSON allows writing it as "<\/"
        text = json.dumps(spec, allow_nan=False).replace("</", "<\\/")
        calls.append(f"draw({i}, {text});")
    body = "\n".join(divs)
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head><meta charset="utf-8"><title>{html.escape(title)}</title>
<script src="{html.escape(script)}"></script></head>
<body>
<main><h1>{html.escape(title)}</h1>
{body}
</main>
<script>
function draw(i, f) {{
  Plotly.newPlot(document.getElementById('figure-' + i), f.data, f.layout, f.config);
}}
{chr(10).join(calls)}
</script>
</body>
</html>
"""


def write_page(folder: Path, name: str, figures: list[dict], title: str) -> str:
    """Write ``static_html`` to ``folder/name`` (and the full bundle beside it, once);
    return ``name``."""
    bundle = folder / SCRIPT_NAME
    if not bundle.exists():
        bundle.symlink_to(FULL_BUNDLE)
    (folder / name).write_text(static_html(figures, title), encoding="utf-8")
    return name


class _Handler(SimpleHTTPRequestHandler):
    """Files from the folder, scripts cached as the app's plotly.js is, no access log."""

    def end_headers(self) -> None:
        if self.path.endswith(".js"):
            self.send_header("Cache-Control", f"max-age={MAX_AGE}")
        elif self.path.endswith(".html"):
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format, *args) -> None:
        log.debug(format, *args)


class StaticServer:
    """``with StaticServer(folder) as origin:`` serves ``folder`` on a free localhost port
    from a thread, until the block ends."""

    def __init__(self, folder: Path):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0),
                                         partial(_Handler, directory=str(folder)))
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True,
                                       name="static-pages")

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=10)
