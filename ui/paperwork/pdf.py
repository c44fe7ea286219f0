"""Print rendered paperwork (HTML + SVG plans from ``controlroom.paperwork.render``) to A4.

One ``QTextDocument`` per document; its plans become images rasterised from the SVG at
print resolution and registered as ``plan:NAME`` resources *before* ``setHtml`` (after
it, Qt has already tried and failed to load them). Pages are painted one by one rather
than with ``QTextDocument.print_`` so every page gets a footer with the reference and
"page n of m", and several documents share one PDF, each starting on a new page.

The window's print preview uses the same painting: ``print_preview_dialog(documents,
parent)`` returns a ready ``QPrintPreviewDialog`` (``open()`` it); ``on_printed`` is
called when the pages go to the printer itself, not when the preview repaints them
(the preview paints on a picture engine), so a disclosure is logged once per print. Building one by hand,
keep the ``QPrinter`` alive as long as the dialog: the dialog does not own it, and a
printer that Python has collected crashes the preview (segfault) when it repaints.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QByteArray, QMarginsF, QRectF, QSizeF, Qt, QUrl
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFont,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPaintEngine,
    QPainter,
    QPdfWriter,
    QTextDocument,
    QTextOption,
)
from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QWidget

from controlroom.paperwork.render import RenderedDocument
from ui.common.screen_fit import fit_to_screen

PLAN_DPI = 200  # the plan's street names stay crisp at 200 dpi; 300 doubles the time for no visible gain
PDF_RESOLUTION = 300
# A4 portrait; the bottom margin leaves room for the footer inside the printable area.
PAGE_MARGINS_MM = QMarginsF(16, 12, 16, 10)
# Two lines: the document's reference and page, then the audit head. 7.5 pt lines are
# about 3.2 mm apart; the rest is air below the rule so neither line touches it.
FOOTER_MM = 9.5
FOOTER_POINT_SIZE = 7.5
_CSS_PX_PER_INCH = 96


def plan_image(svg: str, dpi: int = PLAN_DPI) -> QImage:
    """The plan SVG as an image of its printed size (SVG size in CSS pixels) at ``dpi``."""
    renderer = QSvgRenderer(QByteArray(svg.encode("utf-8")))
    if not renderer.isValid():
        raise ValueError("the plan is not valid SVG; it cannot be printed")
    size = renderer.defaultSize() * (dpi / _CSS_PX_PER_INCH)
    image = QImage(size, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.white)
    dots_per_metre = round(dpi / 0.0254)
    image.setDotsPerMeterX(dots_per_metre)
    image.setDotsPerMeterY(dots_per_metre)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    renderer.render(painter)
    painter.end()
    return image


def text_document(document: RenderedDocument, plan_dpi: int = PLAN_DPI) -> QTextDocument:
    """A ``QTextDocument`` holding ``document`` with its plans as image resources."""
    doc = QTextDocument()
    doc.setDocumentMargin(0)
    doc.setDefaultFont(QFont("DejaVu Sans", 10))
    option = doc.defaultTextOption()
    # Zero-width spaces already break long words; this catches anything that slipped past.
    option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
    doc.setDefaultTextOption(option)
    for name, svg in document.images.items():
        doc.addResource(
            QTextDocument.ResourceType.ImageResource, QUrl(f"plan:{name}"), plan_image(svg, plan_dpi)
        )
    doc.setHtml(document.html)
    return doc


def prepare_page(device: QPagedPaintDevice) -> None:
    """A4 portrait with the paperwork's margins (the paperwork is designed for A4)."""
    layout = QPageLayout(
        QPageSize(QPageSize.PageSizeId.A4),
        QPageLayout.Orientation.Portrait,
        PAGE_MARGINS_MM,
        QPageLayout.Unit.Millimeter,
    )
    device.setPageLayout(layout)


def print_documents(
    documents: Sequence[RenderedDocument], device: QPagedPaintDevice, plan_dpi: int = PLAN_DPI
) -> int:
    """Paint ``documents`` on ``device`` (a QPrinter or QPdfWriter); returns the page count.

    Each document starts on a new page. The device is set to A4 with the paperwork's margins.
    """
    if not documents:
        raise ValueError("nothing to print: no documents were given")
    prepare_page(device)
    painter = QPainter()
    if not painter.begin(device):
        raise OSError("could not start printing (is the output file writable?)")
    pages = 0
    try:
        for index, document in enumerate(documents):
            if index:
                device.newPage()
            pages += _paint_document(painter, device, document, plan_dpi)
    finally:
        painter.end()
    return pages


def _paint_document(
    painter: QPainter, device: QPagedPaintDevice, document: RenderedDocument, plan_dpi: int
) -> int:
    doc = text_document(document, plan_dpi)
    # Lay out at the device's resolution so point sizes and image sizes come out true on paper.
    doc.documentLayout().setPaintDevice(device)
    dpi = device.logicalDpiY()
    footer_px = FOOTER_MM / 25.4 * dpi
    body = QSizeF(device.width(), device.height() - footer_px)
    doc.setPageSize(body)
    count = doc.pageCount()
    for page in range(count):
        if page:
            device.newPage()
        painter.save()
        painter.translate(0, -page * body.height())
        clip = QRectF(0, page * body.height(), body.width(), body.height())
        painter.setClipRect(clip)
        context = QAbstractTextDocumentLayout.PaintContext()
        context.clip = clip
        doc.documentLayout().draw(painter, context)
        painter.restore()
        _paint_footer(painter, device, document, page + 1, count, footer_px)
    return count


def _paint_footer(
    painter: QPainter,
    device: QPagedPaintDevice,
    document: RenderedDocument,
    page: int,
    count: int,
    height: float,
) -> None:
    painter.save()
    font = QFont("DejaVu Sans")
    font.setPointSizeF(FOOTER_POINT_SIZE)
    painter.setFont(font)
    top = device.height() - height
    painter.setPen(Qt.GlobalColor.black)
    painter.drawLine(
        QRectF(0, top, device.width(), 0).topLeft(), QRectF(0, top, device.width(), 0).topRight()
    )
    metrics = painter.fontMetrics()
    line = metrics.lineSpacing() * 1.2  # a little air: the hash is read digit by digit
    # The two lines sit together in the middle of the footer's height.
    first = QRectF(0, top + (height - 2 * line) / 2, device.width(), line)
    flags = Qt.AlignmentFlag.AlignVCenter | Qt.TextFlag.TextSingleLine
    page_text = f"Page {page} of {count}"
    painter.drawText(first, int(flags | Qt.AlignmentFlag.AlignRight), page_text)
    room = first.adjusted(0, 0, -metrics.horizontalAdvance(page_text) * 1.5, 0)
    footer = metrics.elidedText(document.footer, Qt.TextElideMode.ElideMiddle, int(room.width()))
    painter.drawText(room, int(flags | Qt.AlignmentFlag.AlignLeft), footer)
    # Never elided: a hash cut short on paper could not be checked against the trail. In a
    # fixed-width face without ligatures, so "ff" stays two letters when read or copied.
    mono = QFont("DejaVu Sans Mono")
    mono.setStyleHint(QFont.StyleHint.Monospace)
    mono.setPointSizeF(FOOTER_POINT_SIZE)
    mono.setFeature(QFont.Tag("liga"), 0)
    painter.setFont(mono)
    painter.drawText(first.translated(0, line), int(flags | Qt.AlignmentFlag.AlignLeft), document.audit_head)
    painter.restore()


def document_painter(
    documents: Sequence[RenderedDocument], plan_dpi: int = PLAN_DPI
) -> Callable[[QPagedPaintDevice], None]:
    """A slot for ``QPrintPreviewDialog.paintRequested``: paints ``documents`` on its printer."""

    def paint(printer: QPagedPaintDevice) -> None:
        print_documents(documents, printer, plan_dpi)

    return paint


PREVIEW_WIDTH, PREVIEW_HEIGHT = 900, 1000


def is_preview(device: QPagedPaintDevice) -> bool:
    """Whether ``device`` is being painted for the preview (a picture), not for paper."""
    engine = device.paintEngine()
    return engine is not None and engine.type() == QPaintEngine.Type.Picture


def print_preview_dialog(
    documents: Sequence[RenderedDocument],
    parent: QWidget | None = None,
    title: str = "Print paperwork",
    on_printed: Callable[[], None] | None = None,
) -> QPrintPreviewDialog:
    """A print preview of ``documents`` on an A4 high-resolution printer; Print sends them to it."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(title)
    dialog = QPrintPreviewDialog(printer, parent)
    dialog.setWindowTitle(title)
    # An A4 page's proportions, but never taller than the screen (1366x768 desk PCs).
    fit_to_screen(dialog, PREVIEW_WIDTH, PREVIEW_HEIGHT)

    # The default argument holds ``printer`` for as long as the connection, i.e. the dialog.
    def paint(device: QPrinter, _keep_alive: QPrinter = printer) -> None:
        if on_printed is not None and not is_preview(device):
            on_printed()
        print_documents(documents, device)

    dialog.paintRequested.connect(paint)
    return dialog


def write_pdf(documents: Sequence[RenderedDocument], path: str | os.PathLike[str]) -> int:
    """Write ``documents`` to one A4 PDF at ``path`` atomically; returns the page count.

    The PDF is written to a temporary file beside ``path`` and renamed over it only once
    complete, so a failure never leaves a half-written PDF (or clobbers an older one).
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise FileNotFoundError(f"folder {target.parent} does not exist")
    handle, temp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    os.close(handle)
    try:
        pages = _write(documents, temp_name)
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    return pages


def _write(documents: Sequence[RenderedDocument], path: str) -> int:
    # The writer lives only in this frame: it closes the file when it goes, before the rename.
    writer = QPdfWriter(path)
    writer.setResolution(PDF_RESOLUTION)
    writer.setCreator("controlroom")
    writer.setTitle(documents[0].title if documents else "")
    return print_documents(documents, writer)


def write_pdf_from_cli(documents: Sequence[RenderedDocument], path: str) -> int:
    """``write_pdf`` for the command line: starts a GUI application if none is running.

    Writing a PDF needs fonts, not a screen, so with no platform chosen this runs
    offscreen; a terminal on a server without a display can still print paperwork.
    """
    from PySide6.QtGui import QGuiApplication

    if QGuiApplication.instance() is None:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        app = QGuiApplication([])
        try:
            return write_pdf(documents, path)
        finally:
            del app
    return write_pdf(documents, path)
