"""``ChartView``: a matplotlib figure drawn by Agg in the reports worker, shown as an image.

matplotlib's own Qt canvas (``FigureCanvasQTAgg``) draws on the GUI thread at every
resize; measured on this project's charts at 1000x260 px, the weekday × hour heat map
(168 counted cells, constrained layout) takes about 1.1 s to draw and the series 0.4 s,
so the window would stall that long whenever the dock is shown or resized. Here the same
Agg renderer runs in the reports worker (``ReportGateway.render``, ``work.rendered``) at the view's size in
device pixels, and the GUI thread only paints the finished image. A resize keeps the last
image (scaled) and asks for a new one once the size has settled; a rendering that a newer
one has overtaken is dropped.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QRect, QTimer
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from ui.common.tasks import TaskSet

SETTLE_MS = 150  # a resize (a dock being dragged) settles before the figure is drawn again
Renderer = Callable[[str, int, int, float], Awaitable[tuple[bytes, int, int] | None]]


class ChartView(QWidget):
    """One chart (its figure kept in the worker, named by ``chart``) and its newest rendering."""

    def __init__(self, chart: str, render: Renderer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.chart = chart
        self._render = render
        self._tasks = TaskSet()
        self._asked = 0
        self.image: QImage | None = None
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self._settle = QTimer(self)
        self._settle.setSingleShot(True)
        self._settle.setInterval(SETTLE_MS)
        self._settle.timeout.connect(self.redraw)

    def redraw(self) -> asyncio.Future[Any] | None:
        """Draw the figure again at the view's present size (in the worker)."""
        if self.width() < 2 or self.height() < 2:
            return None
        self._asked += 1
        return self._tasks.spawn(
            self._draw(self._asked, self.width(), self.height(), self.devicePixelRatioF())
        )

    async def _draw(self, asked: int, width: int, height: int, ratio: float) -> None:
        drawn = await self._render(self.chart, width, height, ratio)
        if drawn is None or not shiboken6.isValid(self) or asked != self._asked:
            return
        data, w, h = drawn
        image = QImage(data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()
        image.setDevicePixelRatio(ratio)
        self.image = image
        self.update()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._settle.start()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        if self.image is None:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        painter.drawImage(QRect(0, 0, self.width(), self.height()), self.image)
        painter.end()
