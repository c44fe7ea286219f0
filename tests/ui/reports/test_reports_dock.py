"""The Reports dock in a real window on SQLite: last night's figures, a period's heat map,
a future night refused beside the picker, and the hotspot layer on the real map page."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QImage
from sqlalchemy import select

from controlroom.commands import Commands
from controlroom.core.domain import LOCAL_TZ
from controlroom.core.errors import ValidationError
from controlroom.core.roles import Actor
from controlroom.incidents.reporting import NewIncident
from controlroom.reports.night import night_pack
from controlroom.storage.database import Database
from controlroom.storage.models import AuditEntry
from tests.conftest import run_isolated
from tests.ui.conftest import js
from tests.ui.waits import wait_until
from ui.reports.period_picker import NIGHT, RANGE, last_night

REPORT_MS = 30_000  # a report's first run imports scipy and matplotlib in the worker
# Three places on Above Bar Street, a few metres apart: one hotspot.
PLACES = ((50.9060, -1.4044, 1), (50.9061, -1.4045, 2), (50.9062, -1.4043, 3))


def _seed(url: str, night: date) -> None:
    """Three incidents reported at 22:00 UK time on ``night`` (grades 1, 2, 3)."""

    async def scenario() -> None:
        db = Database(url)
        commands = Commands(db, Actor("test-operator"), clock=lambda: datetime.now(UTC))
        try:
            when = datetime.combine(night, time(22), tzinfo=LOCAL_TZ).astimezone(UTC)
            for lat, lon, grade in PLACES:
                await commands.report_incident(
                    NewIncident(
                        category="assault",
                        source="cctv",
                        summary="a summary no report shows",
                        lat=lat,
                        lon=lon,
                        place="Above Bar Street",
                        grade=grade,
                        reported_at=when,
                    )
                )
        finally:
            await db.dispose()

    run_isolated(scenario())


def _core_refusal(url: str, night: date) -> str:
    """What the core (and so ``report-night``) says when asked for ``night``."""

    async def ask() -> str:
        db = Database(url)
        try:
            await night_pack(db, night, actor=Actor("test-operator"))
        except ValidationError as refusal:
            return str(refusal)
        finally:
            await db.dispose()
        return "no refusal"

    return run_isolated(ask())


def _reports(window: Any, qtbot: Any) -> Any:
    qtbot.keyClick(window, Qt.Key.Key_F9)
    wait_until(qtbot, lambda: window.docks["reports"].isVisible(), "F9 showed the Reports dock")
    return window.reports


def _run_and_wait(panel: Any, qtbot: Any) -> None:
    qtbot.keyClick(panel.picker.choice, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: panel.status.text().startswith("Report:"), "the report was shown", REPORT_MS)


def test_last_night_shows_its_key_figures_and_hotspots_on_the_map(
    sqlite_url: str, open_window: Any, qtbot: Any
) -> None:
    _seed(sqlite_url, last_night(datetime.now(UTC)))
    window = open_window(sqlite_url)
    panel = _reports(window, qtbot)
    assert panel.picker.choice.hasFocus()
    _run_and_wait(panel, qtbot)

    figures = panel.figure_values()
    assert figures["Incidents"] == "3"
    assert figures["Breaches"].isdigit() and "s.35 directions" in figures
    assert {"G1 within target", "G2 within target", "G3 within target"} <= set(figures)

    view = window.map
    wait_until(
        qtbot,
        lambda: (js(view, qtbot, "controlroom.hotspots()") or {}).get("cells", 0) > 0,
        "the map page received the hotspot cells",
    )
    layer = js(view, qtbot, "controlroom.hotspots()")
    assert layer["shown"] is False and layer["drawn"] == 0  # off until the legend turns it on
    assert layer["title"] == "Hotspots"
    assert layer["note"].startswith(
        f"kernel density, {round(layer['bandwidth'])} m bandwidth · the night of "
    )
    assert js(view, qtbot, "controlroom.toggleLayer('hotspots')") is True
    layer = js(view, qtbot, "controlroom.hotspots()")
    assert layer["shown"] is True and layer["drawn"] == layer["cells"]
    assert js(view, qtbot, "controlroom.toggleLayer('hotspots')") is False


def test_a_period_draws_its_heat_map(sqlite_url: str, open_window: Any, qtbot: Any) -> None:
    night = last_night(datetime.now(UTC))
    _seed(sqlite_url, night - timedelta(days=2))
    window = open_window(sqlite_url)
    panel = _reports(window, qtbot)
    picker = panel.picker
    picker.set_choice(RANGE)
    picker.first.setDate(QDate(night.year, night.month, night.day).addDays(-6))
    picker.second.setDate(QDate(night.year, night.month, night.day))
    _run_and_wait(panel, qtbot)

    figures = panel.figure_values()
    assert figures["Incidents"] == "3"
    # Grades 1 and 2 never reached, their targets long passed; nobody told the callers.
    assert (figures["Breaches"], figures["s.35 directions"]) == ("2 (0 told)", "0")
    heat = panel.canvases[0]
    assert heat.toolTip() == "Weekday × hour"
    wait_until(qtbot, lambda: heat.image is not None, "the heat map was drawn (in the worker)", REPORT_MS)
    assert heat.image.width() >= heat.width() > 100
    image = heat.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    colours = {image.pixel(x, y) for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)}
    assert len(colours) > 20  # axes, labels and the heat ramp, not a blank widget


def test_a_night_not_yet_begun_is_refused_beside_the_picker(
    sqlite_url: str, open_window: Any, qtbot: Any
) -> None:
    _seed(sqlite_url, last_night(datetime.now(UTC)))
    window = open_window(sqlite_url)
    panel = _reports(window, qtbot)
    future = datetime.now(UTC).date() + timedelta(days=2)
    panel.picker.set_choice(NIGHT)
    panel.picker.first.setDate(QDate(future.year, future.month, future.day))
    qtbot.keyClick(panel.picker.first, Qt.Key.Key_Return)
    wait_until(qtbot, lambda: panel.error.isVisible(), "the refusal is shown beside the picker", REPORT_MS)
    assert panel.error.text() == _core_refusal(sqlite_url, future)
    assert panel.error.text().startswith(f"the night of {future:%A %d %B %Y}")
    assert panel.shown is None and panel.figure_values() == {}


def test_export_writes_the_csv_and_the_pdf_and_logs_each(
    db_url: str, open_window: Any, qtbot: Any, tmp_path: Any
) -> None:
    """On SQLite and PostgreSQL: the worker process connects with the window's own URL."""
    _seed(db_url, last_night(datetime.now(UTC)))
    window = open_window(db_url)
    panel = _reports(window, qtbot)
    _run_and_wait(panel, qtbot)
    assert panel.export_buttons["geojson"].isEnabled()
    target = tmp_path / "night.csv"
    task = panel.export("csv", str(target))
    wait_until(qtbot, task.done, "the export finished", REPORT_MS)
    assert task.exception() is None and not panel.error.isVisible()
    lines = target.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 1 + len(PLACES) and "a summary no report shows" not in target.read_text(
        encoding="utf-8"
    )

    async def logged() -> list[Any]:
        db = Database(db_url)
        try:
            async with db.read() as conn:
                rows = await conn.execute(select(AuditEntry.action, AuditEntry.detail))
                return [tuple(row) for row in rows if row[0] == "report.night"]
        finally:
            await db.dispose()

    pdf = tmp_path / "night.pdf"
    task = panel.export("pdf", str(pdf))
    wait_until(qtbot, task.done, "the PDF export finished", REPORT_MS)
    assert task.exception() is None and not panel.error.isVisible(), panel.error.text()
    assert pdf.read_bytes().startswith(b"%PDF")

    entries = run_isolated(logged())
    assert [entry[1]["format"] for entry in entries] == ["csv", "pdf"]
    assert all(entry[1]["incidents"] == len(PLACES) for entry in entries)
