"""Real PDFs of the dispersal paperwork: read back with pdftotext, page 1 rendered to PNG."""

from __future__ import annotations

import dataclasses
import gc
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog, QPrintPreviewWidget
from PySide6.QtWidgets import QApplication, QWidget

from controlroom.cli.paperwork import specimen_direction
from controlroom.paperwork.data import Officer
from controlroom.paperwork.render import (
    RenderedDocument,
    render_authorisation,
    render_direction,
    render_direction_set,
)
from ui.common.screen_fit import fit_to_screen
from ui.paperwork import pdf as paperwork_pdf
from ui.paperwork.pdf import document_painter, plan_image, print_preview_dialog, write_pdf


def pdf_text(path: Path, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    done = subprocess.run(["pdftotext", *pages, str(path), "-"], capture_output=True, text=True, check=True)
    return re.sub(r"\s+", " ", done.stdout)


def page_count(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]


def page_png(path: Path, out: Path, page: int = 1) -> QImage:
    prefix = out / f"page{page}"
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "60",
            "-png",
            "-f",
            str(page),
            "-l",
            str(page),
            "-singlefile",
            str(path),
            str(prefix),
        ],
        check=True,
    )
    image = QImage(str(prefix) + ".png")
    assert not image.isNull()
    return image


def ink(image: QImage, colour: str = "any") -> float:
    """Share of sampled pixels that are not white (``any``) or are the plan's red shading (``red``)."""
    hits = total = 0
    for y in range(0, image.height(), 3):
        for x in range(0, image.width(), 3):
            c = image.pixelColor(x, y)
            total += 1
            if colour == "red":
                hits += c.red() > 150 and c.red() - c.green() > 40 and c.red() - c.blue() > 40
            else:
                hits += c.red() + c.green() + c.blue() < 700
    return hits / total


def test_notice_pdf_has_every_element_on_one_page(qapp: QApplication, tmp_path: Path) -> None:
    target = tmp_path / "notice.pdf"
    pages = write_pdf([render_direction(specimen_direction(), "notice")], target)
    assert pages == 1 and page_count(target) == 1  # handed over on the street: one sheet
    text = pdf_text(target)
    for expected in (
        "Direction to leave an area",
        "SPECIMEN-S35-0001",  # reference (box and footer)
        "01:10 on Sunday 29 November 2026 (GMT)",  # exclusion end
        "01:25 on Saturday 28 November 2026 (GMT)",  # leave by
        "South along London Road to Above Bar Street",  # route
        "without reasonable excuse",
        "3 months",
        "level 4",
        "Bottle of vodka (open)",  # item
        "Specimen Central Police Station",  # where to collect
        "PC 0001 B. Specimen",  # issuing officer
        "Page 1 of 1",
    ):
        assert expected in text, expected
    assert text.count("SPECIMEN-S35-0001") >= 2  # reference box and page footer
    image = page_png(target, tmp_path)
    assert ink(image) > 0.05  # text and plan, not a blank page
    assert ink(image, "red") > 0.005  # the shaded exclusion area made it onto the page


def test_all_documents_in_one_pdf_each_starting_a_page(qapp: QApplication, tmp_path: Path) -> None:
    paper = specimen_direction()
    documents = [*render_direction_set(paper), render_authorisation(paper.zone)]
    target = tmp_path / "all.pdf"
    pages = write_pdf(documents, target)
    assert pages == page_count(target) >= len(documents)
    firsts = [pdf_text(target, n) for n in range(1, pages + 1)]
    starts = [i for i, text in enumerate(firsts) if "Page 1 of" in text]
    assert len(starts) == 4
    headings = [
        "Direction to leave an area",
        "Record of a direction",
        "Receipt for surrendered",
        "Authorisation to",
    ]
    for start, heading in zip(starts, headings, strict=True):
        assert heading in firsts[start]
    assert "SPECIMEN-LOG-0001" in pdf_text(target)


def test_hostile_values_print_as_text_and_the_layout_holds(qapp: QApplication, tmp_path: Path) -> None:
    payload = "<img src=x onerror=alert(1)> </table> \u202eevil " + "W" * 100_000
    paper = dataclasses.replace(
        specimen_direction(),
        person_description=payload,
        route=payload,
        officer=Officer("PC", "1", payload),
        surrendered_items=(payload,),
    )
    target = tmp_path / "hostile.pdf"
    pages = write_pdf(render_direction_set(paper), target)
    assert pages <= 12  # uncut, each 100 KB value would fill ~30 pages
    text = pdf_text(target)
    assert "<img src=x onerror=alert(1)>" in text  # printed literally, as typed
    assert "[U+202E]evil" in text
    assert "more characters are in the electronic record" in text
    assert "01:10 on Sunday 29 November 2026 (GMT)" in text  # the rest of the notice survived
    assert ink(page_png(target, tmp_path)) > 0.05


def test_a_failed_write_leaves_no_file_and_keeps_the_old_one(
    qapp: QApplication, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "notice.pdf"
    target.write_bytes(b"previous")

    def broken(*args: object, **kwargs: object) -> int:
        raise RuntimeError("printer on fire")

    monkeypatch.setattr(paperwork_pdf, "print_documents", broken)
    with pytest.raises(RuntimeError):
        write_pdf([render_direction(specimen_direction(), "notice")], target)
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notice.pdf"]
    with pytest.raises(FileNotFoundError):
        write_pdf([render_direction(specimen_direction(), "notice")], tmp_path / "missing" / "x.pdf")


def test_the_preview_painter_prints_on_a_qprinter(qapp: QApplication, tmp_path: Path) -> None:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    target = tmp_path / "printer.pdf"
    printer.setOutputFileName(str(target))
    document_painter([render_direction(specimen_direction(), "receipt")])(printer)
    assert "Receipt for surrendered items" in pdf_text(target)
    assert page_count(target) == 1


def test_print_preview_dialog_shows_every_page(qapp: QApplication, qtbot: Any) -> None:
    parent = QWidget()
    qtbot.addWidget(parent)

    def open_preview() -> None:  # the caller keeps no reference, as a menu action would not
        print_preview_dialog(render_direction_set(specimen_direction()), parent, "Print SPECIMEN")

    open_preview()
    gc.collect()  # a collected QPrinter would crash the next repaint
    dialog = parent.findChild(QPrintPreviewDialog)
    preview = dialog.findChild(QPrintPreviewWidget)
    preview.updatePreview()
    assert dialog.windowTitle() == "Print SPECIMEN"
    assert preview.pageCount() == 4  # notice 1, record copy 2, receipt 1
    # Never taller or wider than the screen it opens on (a 768-high desk PC included).
    area = dialog.screen().availableGeometry()
    assert dialog.height() <= area.height() - 60 and dialog.width() <= area.width() - 60
    assert dialog.height() > 400  # still a usable preview


def test_fit_to_screen_shrinks_only_what_does_not_fit(qapp: QApplication, qtbot: Any) -> None:
    widget = QWidget()
    qtbot.addWidget(widget)
    area = widget.screen().availableGeometry()
    fit_to_screen(widget, 300, 200)
    assert (widget.width(), widget.height()) == (300, 200)
    fit_to_screen(widget, area.width() * 2, area.height() * 2)
    assert (widget.width(), widget.height()) == (area.width() - 60, area.height() - 60)


def test_plan_rasterises_at_print_resolution(qapp: QApplication) -> None:
    document: RenderedDocument = render_direction(specimen_direction(), "notice")
    svg = document.images["exclusion"]
    image = plan_image(svg, dpi=192)
    width, height = (float(re.search(rf'{side}="([0-9.]+)', svg).group(1)) for side in ("width", "height"))  # type: ignore[union-attr]
    assert (image.width(), image.height()) == (round(width * 2), round(height * 2))  # twice 96 dpi
    with pytest.raises(ValueError, match="not valid SVG"):
        plan_image("<svg")
