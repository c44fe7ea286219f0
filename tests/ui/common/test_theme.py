"""Every colour is named once, in ``ui/common/theme.py``; the map's resources only refer to it."""

from __future__ import annotations

import re
from pathlib import Path

from controlroom.core.resources import resource
from ui.common import theme

ROOT = Path(__file__).resolve().parents[3]
# A hex colour (#rgb, #rrggbb, #rrggbbaa), an rgb()/rgba() call or a QColor built from numbers.
COLOUR_LITERAL = re.compile(
    r"#(?:[0-9a-fA-F]{8}|[0-9a-fA-F]{6}|[0-9a-fA-F]{3})\b|\brgba?\(|QColor\(\s*\d", re.IGNORECASE
)
CSS_VAR = re.compile(r"var\(--cr-([\w-]+)\)")


def _colour_literals(paths: list[Path]) -> list[str]:
    found = []
    for path in paths:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if COLOUR_LITERAL.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_no_colour_literal_in_the_window_outside_the_theme() -> None:
    modules = [p for p in (ROOT / "ui").rglob("*.py") if p != ROOT / "ui" / "common" / "theme.py"]
    assert modules
    assert _colour_literals(modules) == []


def test_no_colour_literal_in_the_map_resources() -> None:
    files = [resource("map", "map.css"), resource("map", "map.js")]
    assert _colour_literals(files) == []


def test_every_colour_the_map_names_is_in_the_palette() -> None:
    """An unknown ``var(--cr-…)`` would silently fall back to no colour at all."""
    palette = theme.map_palette()
    in_css = set(CSS_VAR.findall(resource("map", "map.css").read_text(encoding="utf-8")))
    script = resource("map", "map.js").read_text(encoding="utf-8")
    declared = re.search(r"var PALETTE = \[(.*?)\];", script, re.S)
    assert declared is not None, "map.js declares the colours it reads in PALETTE"
    in_js = set(re.findall(r'"([\w-]+)"', declared[1]))
    assert in_css and in_js
    assert in_css - palette.keys() == set()
    assert in_js - palette.keys() == set()


def test_map_palette_is_the_theme() -> None:
    palette = theme.map_palette()
    assert palette["background"] == theme.BACKGROUND
    assert {g: palette[f"grade-{g or 'u'}"] for g in theme.GRADE_BACKGROUND} == theme.GRADE_BACKGROUND
    assert {s: palette[f"safe-{s}"] for s in theme.SAFE_SPACE_STATUS} == theme.SAFE_SPACE_STATUS
    assert {s: palette[f"unit-{s}"] for s in theme.UNIT_STATUS} == theme.UNIT_STATUS
    assert theme.rgba(theme.PANEL, 0.92) == "rgba(22, 27, 38, 0.92)"
    css = theme.map_palette_css()
    assert ":root {" in css and f"--cr-grade-1: {theme.GRADE_BACKGROUND[1]};" in css
