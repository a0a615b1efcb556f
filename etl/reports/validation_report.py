"""The validation report: a readable list of where the published figures disagree."""

from __future__ import annotations

import pandas as pd


def render_report(flags: pd.DataFrame, summary: dict) -> str:
    """Markdown for people: what was built, then every flag grouped by dataset."""
    lines = [
        "# Validation report",
        "",
        f"Built {summary['built_at']}: {summary['figures']:,} figures in "
        f"{len(summary['datasets'])} datasets from {summary['tables']} tables.",
        "",
        "Each flag below is a place where a report's own figures do not agree with each "
        "other. The published figure is kept as printed; the flag is for the reader. "
        "For the official releases (datasets dfe_…), a flag is a published rate or "
        "percentage that its own counts do not give, beyond rounding; rates per 10,000 "
        "children are recomputed from the counts and the ONS population of the previous "
        "mid-year.",
        "",
    ]
    for note in summary.get("notes", []):
        lines += [f"Note: {note}", ""]
    if flags.empty:
        lines.append("No disagreements found.")
        return "\n".join(lines) + "\n"
    lines.append(f"**{len(flags)} flag(s).**")
    for dataset, group in flags.groupby("dataset", sort=True):
        lines += ["", f"## {dataset}", ""]
        for _, flag in group.iterrows():
            lines.append(f"- `{flag['check_id']}` ({flag['files']}): {flag['message']}")
    return "\n".join(lines) + "\n"
