"""``ReportsPanel``: the Reports dock — a period picker, key figures, charts and tables.

Run (Enter in the picker) asks the gateway for the night pack or the period report; it is
worked out whole in the reports worker (``ui.reports.gateway``), never on the GUI thread.
A newer run supersedes one still going: only the newest result is shown. A refusal from
the core (a night not yet begun, a "from" after the "to", a period before the first
record) is shown beside the picker in the words the CLI prints, and what was shown stays.

The charts are the core's own figures (dark theme), drawn by Agg in the worker
(``chart_view``: matplotlib's Qt canvas would draw them on the GUI thread); the hotspot
grid goes to the main map (``sig_hotspots_ready``), whose legend turns it on.
"""

from __future__ import annotations

import asyncio
from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from controlroom.core.errors import ControlroomError
from ui.common import theme
from ui.common.tasks import TaskSet
from ui.paperwork.pdf import write_pdf
from ui.reports.chart_view import ChartView
from ui.reports.exports import (
    CSV,
    FILTERS,
    GEOJSON,
    PDF,
    SUFFIX,
    checked_target,
    offered,
    write_text,
)
from ui.reports.figures import (
    REPEAT_COLUMNS,
    VENUE_COLUMNS,
    fill_table,
    night_figures,
    period_figures,
    repeat_rows,
    report_table,
    venue_rows,
)
from ui.reports.gateway import ReportGateway
from ui.reports.hotspot_layer import hotspot_message
from ui.reports.period_picker import PeriodPicker
from ui.reports.work import ReportPeriod, ReportResult

CHART_HEIGHT = 260  # px: a chart's labels read at 2 m in the dark theme's size
FIGURES_PER_ROW = 3  # a docked Reports pane at 1366 px is about 500 px wide
FIGURE_STYLE = f"font-size: 22pt; font-weight: bold; color: {theme.TEXT};"
CAPTION_STYLE = f"color: {theme.MUTED};"


class ReportsPanel(QWidget):
    """The picker on top; under it the report of the last run, scrolling."""

    sig_hotspots_ready = Signal(dict)  # the map's ``hotspots`` message
    sig_report_shown = Signal(object)  # ReportResult
    sig_refused = Signal(str)

    def __init__(self, gateway: ReportGateway, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gateway = gateway
        self._tasks = TaskSet()
        self._run = 0  # the newest run's number: older results are dropped
        self.shown: ReportResult | None = None
        self.picker = PeriodPicker()
        self.error = QLabel()
        self.error.setObjectName("report_error")
        self.error.setTextFormat(Qt.TextFormat.PlainText)
        self.error.setWordWrap(True)
        self.error.setStyleSheet(f"color: {theme.FORM_ERROR};")
        self.error.hide()
        self.status = QLabel("Choose a night or a period and press Enter.")
        self.status.setObjectName("report_status")
        self.status.setWordWrap(True)
        self.canvases: list[ChartView] = []
        self._make_body()
        # Only the picker stays put: the refusal, the status and the report scroll together, so
        # a short dock (1366x768, tabbed under the map) cuts none of them off.
        layout = QVBoxLayout(self)
        layout.addWidget(self.picker)
        layout.addWidget(self.scroll_area, 1)
        self.picker.sig_run_requested.connect(self.run)

    def _make_body(self) -> None:
        body = QWidget()
        self.body_layout = QVBoxLayout(body)
        self.body_layout.addWidget(self.error)
        self.body_layout.addWidget(self.status)
        self.body_layout.addLayout(self._make_exports())
        self.figures = QGridLayout()
        self.body_layout.addLayout(self.figures)
        self.before_after = QLabel()
        self.before_after.setWordWrap(True)
        self.before_after.hide()
        self.body_layout.addWidget(self.before_after)
        self.charts = QVBoxLayout()
        self.body_layout.addLayout(self.charts)
        self.venue_table = report_table("report_venues")
        self.repeat_table = report_table("report_repeats")
        # The tables and their headings appear with the first report.
        self._tables = (
            QLabel("Incidents by venue and how each stands to it"),
            self.venue_table,
            QLabel("Repeat locations: 150 m squares by incidents"),
            self.repeat_table,
        )
        for part in self._tables:
            part.hide()
            self.body_layout.addWidget(part)
        self.body_layout.addStretch(1)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(body)
        self.scroll_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)

    def _make_exports(self) -> QHBoxLayout:
        row = QHBoxLayout()
        self.export_buttons: dict[str, QPushButton] = {}
        # No mnemonics: Alt+C is the Console menu's, and Tab reaches the buttons from the picker.
        for fmt, text in ((PDF, "Export PDF…"), (CSV, "CSV…"), (GEOJSON, "GeoJSON…")):
            button = QPushButton(text)
            button.setObjectName(f"report_export_{fmt}")
            button.setEnabled(False)
            button.hide()  # offered once a report is shown, in the formats its CLI writes
            button.clicked.connect(lambda _checked=False, f=fmt: self._on_export_clicked(f))
            row.addWidget(button)
            self.export_buttons[fmt] = button
        row.addStretch(1)
        return row

    def _on_export_clicked(self, fmt: str) -> None:
        if self.shown is None:
            return
        name = f"report-{self.shown.period.start.isoformat()}{SUFFIX[fmt]}"
        path, _ = QFileDialog.getSaveFileName(self, f"Export the report as {fmt.upper()}", name, FILTERS[fmt])
        if path:
            self.export(fmt, path)

    def export(self, fmt: str, path: str) -> asyncio.Future[Any]:
        """Write the shown report to ``path`` as ``fmt`` (logged by the core first)."""
        return self._tasks.spawn(self._export(fmt, path))

    async def _export(self, fmt: str, path: str) -> None:
        result = self.shown
        if result is None:
            return
        night = result.period.night
        try:
            target = checked_target(path, fmt)
            content = await self.gateway.export(result.report, night, fmt)
            if content.document is not None:
                write_pdf([content.document], target)
            else:
                write_text(target, content)
        except (ControlroomError, OSError) as refusal:
            if shiboken6.isValid(self):
                self._refuse(str(refusal))
            return
        if shiboken6.isValid(self):
            self.error.hide()
            self.status.setText(f"Report: {result.period.words()} — wrote {target}")

    def focus_picker(self) -> None:
        self.picker.choice.setFocus()

    def run(self, period: ReportPeriod) -> asyncio.Future[Any]:
        """Work out ``period``'s report in the worker; show it if no newer run started."""
        self._run += 1
        self.status.setText(f"Working out {period.words()}…")
        return self._tasks.spawn(self._compute(self._run, period))

    async def _compute(self, run: int, period: ReportPeriod) -> None:
        try:
            result = await self.gateway.report(period)
        except ControlroomError as refusal:
            if shiboken6.isValid(self) and run == self._run:
                self._refuse(str(refusal))
            return
        if shiboken6.isValid(self) and run == self._run:
            self.show_result(result)

    def _refuse(self, text: str) -> None:
        self.error.setText(text)
        self.error.show()
        # What stays shown is the last report worked out, and the status says which.
        shown = self.shown
        self.status.setText(
            "Nothing worked out: see above." if shown is None else f"Report: {shown.period.words()}"
        )
        self.sig_refused.emit(text)

    def show_result(self, result: ReportResult) -> None:
        self.error.hide()
        self.shown = result
        report = result.report
        figures = night_figures(report) if result.period.night else period_figures(report)
        self._show_figures(figures)
        sentence = getattr(getattr(report, "before_after", None), "sentence", "")
        self.before_after.setText(f"Before/after: {sentence}" if sentence else "")
        self.before_after.setVisible(bool(sentence))
        self._show_charts(result)
        for part in self._tables:
            part.show()
        fill_table(self.venue_table, VENUE_COLUMNS, venue_rows(report))
        fill_table(self.repeat_table, REPEAT_COLUMNS, repeat_rows(result.hotspots))
        self.status.setText(f"Report: {result.period.words()}")
        formats = offered(result.period.night)
        for fmt, button in self.export_buttons.items():
            button.setEnabled(fmt in formats)
            button.setVisible(fmt in formats)
        self.sig_hotspots_ready.emit(hotspot_message(result.hotspots, result.period.words()))
        self.sig_report_shown.emit(result)

    def _show_figures(self, figures: list[tuple[str, str]]) -> None:
        while self.figures.count():
            item = self.figures.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        for n, (caption, value) in enumerate(figures):
            box = QWidget()
            box.setObjectName("report_figure")
            column = QVBoxLayout(box)
            number = QLabel(value)
            number.setObjectName("report_figure_value")
            number.setStyleSheet(FIGURE_STYLE)
            words = QLabel(caption)
            words.setStyleSheet(CAPTION_STYLE)
            column.addWidget(number)
            column.addWidget(words)
            self.figures.addWidget(box, n // FIGURES_PER_ROW, n % FIGURES_PER_ROW)

    def figure_values(self) -> dict[str, str]:
        """Caption → value of the key figures shown (what an operator reads)."""
        values = {}
        for n in range(self.figures.count()):
            item = self.figures.itemAt(n)
            box = item.widget() if item is not None else None
            if box is None:
                continue
            labels = box.findChildren(QLabel)
            values[labels[1].text()] = labels[0].text()
        return values

    def _show_charts(self, result: ReportResult) -> None:
        for canvas in self.canvases:
            self.charts.removeWidget(canvas)
            canvas.deleteLater()
        self.canvases = []
        for title, chart in result.charts:
            canvas = ChartView(chart, self.gateway.render)
            canvas.setObjectName(f"report_chart_{title}")
            canvas.setFixedHeight(CHART_HEIGHT)
            canvas.setToolTip(title)
            self.charts.addWidget(canvas)
            self.canvases.append(canvas)
