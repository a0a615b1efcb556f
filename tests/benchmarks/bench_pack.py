"""Benchmark: the full annual-report committee pack (every chart on every theme page).

With kaleido's image server already warm, as it is in the app after start-up, prints the
time to draw every chart image once, to write the Word document and the PowerPoint deck,
and (if LibreOffice is installed) to convert the Word document to PDF, with each file's
size. Target: the Word and PowerPoint pack in under 20 s.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from etl import config  # noqa: E402

TARGET_S = 20.0


def main() -> None:
    if not (config.settings().processed_dir / "build.json").exists():
        sys.exit("No processed data: run `make etl` first.")
    from dashboard import charts
    from dashboard.exports import images as export
    from dashboard.exports import packs

    export.start_renderer()
    # the server's first real draw
    export.to_image(charts.get("child-protection-plans-trend").render({}), "png")

    items = packs.preset_items("annual-report")
    start = time.perf_counter()
    pack = packs.prepare(items, title=packs.title_for("annual-report"))
    drawn = time.perf_counter()
    docx = packs.to_docx(pack)
    written_docx = time.perf_counter()
    pptx = packs.to_pptx(pack)
    written_pptx = time.perf_counter()
    total = written_pptx - start

    missing = [c.chart.id for c in pack.charts if c.png is None]
    print(f"annual-report pack: {len(pack.charts)} charts"
          + (f" ({len(missing)} not drawn: {', '.join(missing)})" if missing else ""))
    print(f"  {'charts and images':<24}{drawn - start:>7.1f} s  "
          f"({(drawn - start) / len(pack.charts):.2f} s a chart)")
    print(f"  {'Word document':<24}{written_docx - drawn:>7.1f} s  {len(docx) / 1e6:>6.1f} MB")
    print(f"  {'PowerPoint deck':<24}{written_pptx - written_docx:>7.1f} s  "
          f"{len(pptx) / 1e6:>6.1f} MB")
    print(f"  {'total (docx + pptx)':<24}{total:>7.1f} s  target under {TARGET_S:.0f} s: "
          f"{'met' if total < TARGET_S else 'MISSED'}")
    if packs.soffice():
        start = time.perf_counter()
        pdf = packs.to_pdf(docx)
        print(f"  {'PDF (LibreOffice)':<24}{time.perf_counter() - start:>7.1f} s  "
              f"{len(pdf) / 1e6:>6.1f} MB")
    else:
        print("  PDF: LibreOffice is not installed; skipped")


if __name__ == "__main__":
    main()
