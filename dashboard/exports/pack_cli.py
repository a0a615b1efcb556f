"""``safeguarding pack``: write a committee pack (Word, PowerPoint, PDF) to files.

    safeguarding pack --preset annual-report --out packs/
    safeguarding pack --chart child-protection-plans-trend \\
        --chart "child-protection-plans-category;show=shares" --format docx pptx pdf
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="safeguarding pack",
        description="Write a committee pack of dashboard charts as Word, PowerPoint or PDF.")
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--preset", choices=["themes", "annual-report"],
                       help="themes: the first chart of each theme page; annual-report: "
                            "every chart on every theme page")
    which.add_argument("--chart", action="append", metavar="ID[;KEY=VALUE...]",
                       help="a chart id with optional choices, e.g. "
                            "'child-protection-plans-category;show=shares' (repeat for more, "
                            "in order; --list lists them)")
    which.add_argument("--list", action="store_true", help="list the chart ids and exit")
    parser.add_argument("--authority", default=None,
                        help="printed on the cover (default: the configured authority)")
    parser.add_argument("--period", default=None,
                        help="printed on the cover (default: the latest year in the figures)")
    parser.add_argument("--title", default=None, help="the pack's title")
    parser.add_argument("--format", nargs="+", default=["docx", "pptx"],
                        choices=["docx", "pptx", "pdf"], dest="formats")
    parser.add_argument("--out", type=Path, default=Path("."), help="folder to write to")
    parser.add_argument("--name", default=None,
                        help="file name without extension (default: pack-PRESET-DATE)")
    args = parser.parse_args(argv)

    from dashboard.exports import images, packs

    if args.list:
        for page, charts in packs.theme_pages():
            print(page)
            for chart in charts:
                options = "; ".join(f"{k}={'|'.join(v)}" for k, v in chart.options.items())
                print(f"  {chart.id:<30}{chart.name}" + (f"  [{options}]" if options else ""))
        return 0
    try:
        if args.preset:
            items = packs.preset_items(args.preset)
        else:
            items = packs.decode_items(",".join(args.chart))
        title = packs.clean_label(args.title, "title") or packs.title_for(args.preset)
        period = packs.clean_label(args.period, "period")
        authority = packs.clean_label(args.authority, "authority")
    except packs.PackError as err:
        parser.error(str(err))
    name = args.name or packs.download_name(args.preset, "x").removesuffix(".x")
    if "/" in name or name.startswith("."):
        parser.error("--name is a file name, not a path")

    images.start_renderer()
    start = time.perf_counter()
    try:
        files = packs.build(items, tuple(dict.fromkeys(args.formats)), title=title,
                            period=period, authority=authority)
    except packs.PdfUnavailable as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    took = time.perf_counter() - start
    args.out.mkdir(parents=True, exist_ok=True)
    for ext, body in files.items():
        path = args.out / f"{name}.{ext}"
        path.write_bytes(body)
        print(f"wrote {path} ({len(body) / 1e6:.1f} MB)")
    print(f"{len(items)} charts in {took:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
