"""Benchmark: the full annual-report committee pack (every chart on every theme page).

With the image renderer started and the data read once, as in the app after start-up,
prints for the Word document and the PowerPoint deck, each made as a background job
makes it (``packs.build`` with one format):

- cold: no image of the pack drawn before (every chart's figures and images made);
- warm: the same charts again (another title, say): the images come from the cache;

then where a cold pack's time goes, the images drawn in 1 to 4 tabs, and, run side by
side, the previous approach (one image at a time at 2000 × 1240 through kaleido's sync
server, which reloads its page after each) with the ratio. Target: each format under
8 s warm; under 20 s cold. ``--tabs 3`` limits the sweep; ``--no-reference`` skips the
previous approach.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from etl import config  # noqa: E402

WARM_TARGET_S = 8.0
COLD_TARGET_S = 20.0
FORMATS = {"docx": "Word document", "pptx": "PowerPoint deck"}


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


def serial_images(results) -> float:
    """The previous approach: kaleido's sync server, one 2000 × 1240 image at a time."""
    import kaleido
    import plotly.io as pio

    from dashboard.exports import images

    kaleido.start_sync_server(mathjax=False, silence_warnings=True)
    pio.to_image(results[0].export_figure(), format="png", width=1000, height=620, scale=2)
    _, took = timed(lambda: [pio.to_image(r.export_figure(), format="png", width=1000,
                                          height=620, scale=images.PNG_SCALE)
                             for r in results])
    kaleido.stop_sync_server(silence_warnings=True)
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tabs", type=int, nargs="+", default=[1, 2, 3, 4])
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args()
    if not (config.settings().processed_dir / "build.json").exists():
        sys.exit("No processed data: run `make etl` first.")
    from dashboard.exports import image_cache, packs, renderer
    from dashboard.exports import images as export
    from dashboard.exports.packs.document import PLACES

    export.start_renderer()
    items = packs.preset_items("annual-report")
    base, _ = timed(lambda: packs.prepare(items, images=False))  # the data read once
    _, figures_s = timed(lambda: packs.prepare(items, images=False))
    cache = image_cache.cache()
    tabs = renderer.renderer().tabs
    print(f"annual-report pack: {len(base.charts)} charts, {tabs} tabs"
          + (f" ({len(base.missing)} not drawn)" if base.missing else ""))

    totals = {}
    for ext, words in FORMATS.items():
        cache.clear()
        body, cold = timed(lambda ext=ext: packs.build(items, (ext,), title="Cold")[ext])
        _, warm = timed(lambda ext=ext: packs.build(items, (ext,), title="Warm")[ext])
        totals[ext] = cold
        print(f"  {words:<18} cold {cold:>6.1f} s   warm {warm:>6.1f} s  {len(body) / 1e6:>5.1f} MB"
              f"   warm target under {WARM_TARGET_S:.0f} s: "
              f"{'met' if warm < WARM_TARGET_S else 'MISSED'}; cold under "
              f"{COLD_TARGET_S:.0f} s: {'met' if cold < COLD_TARGET_S else 'MISSED'}")

    cache.clear()
    pack, drawn_s = timed(lambda: packs.prepare(items))  # page and slide images
    _, docx_s = timed(lambda: packs.to_docx(pack))
    _, pptx_s = timed(lambda: packs.to_pptx(pack))
    n = len(pack.charts)
    print("  where a cold pack's time goes:")
    print(f"    {'figures and tables':<28}{figures_s:>6.1f} s")
    print(f"    {'the same with both images':<28}{drawn_s:>6.1f} s  "
          f"({2 * n} images, drawn while the figures are worked out)")
    print(f"    {'writing the Word document':<28}{docx_s:>6.1f} s")
    print(f"    {'writing the slides':<28}{pptx_s:>6.1f} s")

    results = [c.result for c in pack.charts]
    print(f"  {n} page images ({'x'.join(map(str, PLACES['page'].pixels))}) by tabs:")
    sweep = {}
    for count in args.tabs:
        drawing = renderer.renderer(count)
        drawing.draw([(results[0].export_figure(), export.PAGE.opts("png"))] * count)
        _, sweep[count] = timed(lambda: export.draw_many([(r, export.PAGE) for r in results]))
        print(f"    {count} tab{'s' if count > 1 else ' '}  {sweep[count]:>6.1f} s"
              + (f"  ({sweep[args.tabs[0]] / sweep[count]:.2f}x {args.tabs[0]} tab)"
                 if count != args.tabs[0] else ""))
    renderer.renderer(tabs)

    if not args.no_reference:
        old = serial_images(results)
        cache.clear()
        _, new = timed(lambda: export.draw_many([(r, export.PAGE) for r in results]))
        print(f"  previous approach, side by side: {n} images one at a time at 2000x1240 "
              f"{old:.1f} s; now {new:.1f} s in {tabs} tabs at 1600x992: {old / new:.2f}x "
              f"faster; a Word pack then took about {figures_s + old + docx_s:.1f} s "
              f"(with today's writer), now {totals['docx']:.1f} s cold")
    if packs.soffice():
        pdf, pdf_s = timed(lambda: packs.to_pdf(packs.to_docx(pack)))
        print(f"  {'PDF (LibreOffice)':<20}{pdf_s:>6.1f} s  {len(pdf) / 1e6:>5.1f} MB")
    else:
        print("  PDF: LibreOffice is not installed; skipped")
    print(f"  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
