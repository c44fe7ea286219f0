"""s.35 notice to PDF: templates + SVG plan (core) and the A4 PDF with the plan rasterised (Qt).

Main figure: the whole notice, from a ``DirectionPaper`` to a PDF file on disk (render
HTML, draw the plan SVG, rasterise it at print resolution, lay out, write). Baseline
in the same run: the same notice without the plan (the ``<img>`` removed), so the
plan's share is visible; plus the parts on their own (core HTML+SVG render, plan
rasterisation). Runs are interleaved so drift hits every row alike.
Target: median notice-with-plan PDF ≤ 200 ms.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/bench_paperwork.py [--runs 30]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from PySide6.QtGui import QGuiApplication

from benchmarks.benchlib import print_table, summary_ms, verdict
from controlroom.cli.paperwork import specimen_direction
from controlroom.paperwork.render import render_direction
from ui.paperwork.pdf import PLAN_DPI, plan_image, write_pdf

TARGET_MS = 200.0
HEADER = ["step", "runs", "median ms", "p95 ms", "max ms", "target ms", "verdict"]


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30, help="runs of each step, ≥ 10 (default 30)")
    args = parser.parse_args(argv)
    if args.runs < 10:
        parser.error("--runs must be at least 10")
    app = QGuiApplication.instance() or QGuiApplication([])
    paper = specimen_direction()
    folder = Path(tempfile.mkdtemp(prefix="bench-paperwork-"))

    def with_plan() -> None:
        write_pdf([render_direction(paper, "notice")], folder / "with-plan.pdf")

    def without_plan() -> None:
        document = render_direction(paper, "notice")
        start = document.html.index('<p align="center"><img')
        html = document.html[:start] + document.html[document.html.index("</p>", start) + 4 :]
        write_pdf([dataclasses.replace(document, html=html, images={})], folder / "no-plan.pdf")

    svg = render_direction(paper, "notice").images["exclusion"]
    steps: dict[str, tuple[Callable[[], object], float | None]] = {
        "notice PDF with plan (paper -> file)": (with_plan, TARGET_MS),
        "BASELINE notice PDF without the plan": (without_plan, None),
        "  core: HTML + plan SVG render": (lambda: render_direction(paper, "notice"), None),
        f"  Qt: plan SVG -> image at {PLAN_DPI} dpi": (lambda: plan_image(svg), None),
    }
    for action, _ in steps.values():  # warm-up: template compile, font cache, street layer
        action()
    samples: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(args.runs):
        for name, (action, _) in steps.items():
            samples[name].append(timed(action))
    rows = []
    for name, (_, target) in steps.items():
        s = summary_ms(samples[name])
        rows.append(
            [name, args.runs, s["median"], s["p95"], s["max"], target or "-", verdict(s["median"], target)]
        )
    size_kb = (folder / "with-plan.pdf").stat().st_size / 1024
    print_table(f"s.35 notice (one A4 page, {size_kb:.0f} KB PDF with plan), offscreen", HEADER, rows)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
