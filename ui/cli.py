"""The ``controlroom`` console script: the core command line plus the window.

The window's modules (Qt, QtWebEngine, the map) are imported inside the entry points
below, when ``run``, ``screenshot`` or a paperwork PDF needs them: every other command
starts without Qt (a test checks ``sys.modules``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from controlroom.cli import main as cli

if TYPE_CHECKING:
    from controlroom.config import Settings
    from controlroom.paperwork.render import RenderedDocument


def run(url: str, settings: Settings) -> int:
    """Open the window."""
    from ui.shell import app

    return app.run(url, settings)


def screenshot(url: str, settings: Settings, path: str, size: tuple[int, int]) -> int:
    """Save a PNG of the window once the map has drawn."""
    from ui.shell import app

    return app.screenshot(url, settings, path, size)


def write_pdf(documents: Sequence[RenderedDocument], path: str) -> int:
    """Print rendered paperwork to an A4 PDF (starts a GUI application if none runs)."""
    from ui.paperwork import pdf

    return pdf.write_pdf_from_cli(documents, path)


FRONTEND = cli.Frontend(run=run, screenshot=screenshot, write_pdf=write_pdf)


def main(argv: Sequence[str] | None = None) -> int:
    return cli.main(argv, frontend=FRONTEND)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
