"""The audit head in the footer of every printed page: read back from real PDFs."""

from __future__ import annotations

import itertools
import subprocess
from pathlib import Path

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from controlroom.paperwork.render import render_authorisation, render_direction, render_direction_set
from controlroom.paperwork.specimen import SPECIMEN_HEAD, specimen_directions
from ui.paperwork.pdf import write_pdf

HEAD_LINE = f"Audit head: #104857 {SPECIMEN_HEAD.hash}"


def layout_lines(path: Path, page: int) -> list[str]:
    """Page ``page``'s text with its lines kept (``pdftotext -layout``), blank lines dropped."""
    done = subprocess.run(
        ["pdftotext", "-layout", "-f", str(page), "-l", str(page), str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return [line.strip() for line in done.stdout.splitlines() if line.strip()]


def test_every_page_of_every_document_ends_with_the_whole_audit_head(
    qapp: QApplication, tmp_path: Path
) -> None:
    documents = [
        *(d for paper in specimen_directions() for d in render_direction_set(paper)),
        render_authorisation(specimen_directions()[0].zone),
    ]
    target = tmp_path / "all.pdf"
    pages = write_pdf(documents, target)
    assert pages >= len(documents) == 7  # both receipts
    for page in range(1, pages + 1):
        lines = layout_lines(target, page)
        # Its own line, below the reference and page number, whole (never elided).
        assert lines[-1] == HEAD_LINE, (page, lines[-2:])
        assert "Page " in lines[-2] and "Printed" in lines[-2], (page, lines[-2:])


def test_the_notice_stays_one_sheet_and_its_footer_is_legible(qapp: QApplication, tmp_path: Path) -> None:
    target = tmp_path / "notice.pdf"
    assert write_pdf([render_direction(specimen_directions()[0], "notice")], target) == 1
    prefix = tmp_path / "notice"
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-singlefile", str(target), str(prefix)],
        check=True,
    )
    image = QImage(str(prefix) + ".png")
    # The bottom 20 mm of A4 at 150 dpi: the rule, both footer lines and the margin.
    footer = image.copy(0, image.height() - 118, image.width(), 118)
    rows_with_ink = [
        y
        for y in range(footer.height())
        if any(footer.pixelColor(x, y).lightness() < 128 for x in range(0, footer.width(), 2))
    ]
    assert rows_with_ink, "nothing printed at the foot of the page"
    # Rule, line one and line two are three separate bands of ink with white between.
    bands = 1 + sum(1 for a, b in itertools.pairwise(rows_with_ink) if b - a > 1)
    assert bands >= 3, rows_with_ink
