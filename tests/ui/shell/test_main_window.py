"""The real window on a real database with the real QtWebEngine map."""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage
from PySide6.QtTest import QTest
from PySide6.QtWebEngineCore import QWebEngineProfile, QWebEngineUrlRequestInterceptor

from controlroom.commands import Commands
from controlroom.core.resources import resource
from controlroom.core.roles import Actor
from controlroom.feed.change_feed import ChangeFeed
from controlroom.sim.demo import demo_venues
from controlroom.storage.database import Database
from tests.ui.conftest import cli, js
from tests.ui.waits import wait_until
from ui.shell.app import ui_state


class RequestRecorder(QWebEngineUrlRequestInterceptor):
    """Sees every URL the page asks for (scripts, styles, images, XHR)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def interceptRequest(self, info: Any) -> None:  # noqa: N802
        self.urls.append(info.requestUrl().toString())


@pytest.fixture
def recorder() -> Iterator[RequestRecorder]:
    rec = RequestRecorder()
    QWebEngineProfile.defaultProfile().setUrlRequestInterceptor(rec)
    yield rec
    # Asked for again: the map's page handed out the same profile (page.profile()), and
    # deleting the window's page leaves the Python wrapper taken here invalid.
    QWebEngineProfile.defaultProfile().setUrlRequestInterceptor(None)


def test_map_loads_offline_and_draws_every_venue_and_incident(
    demo_db_url: str, recorder: RequestRecorder, open_window: Any, qtbot: Any, arun: Any
) -> None:
    demo_url = demo_db_url
    window = open_window(demo_url)
    assert js(window.map, qtbot, "typeof L") == "object"
    remote = [u for u in recorder.urls if not u.startswith(("file:", "qrc:", "data:"))]
    assert recorder.urls and remote == []

    async def snapshot() -> Any:
        db = Database(demo_url)
        try:
            return await ChangeFeed(db).start()
        finally:
            await db.dispose()

    expected = arun(snapshot())
    counts = js(window.map, qtbot, "controlroom.counts()")
    streets = json.loads(resource("geo", "streets.geojson").read_text())
    assert counts == {
        "incidents": len(expected.incidents),
        "venues": sum(not v.is_safe_space for v in expected.venues),
        "safeSpaces": sum(v.is_safe_space for v in expected.venues),
        "streets": sum(f["properties"]["kind"] == "street" for f in streets["features"]),
        "units": sum(u.status != "off_duty" and u.lat is not None for u in expected.units),
        "flags": len(expected.flags),
        "zones": len(expected.zones),
        "cameras": len(expected.cameras),
    }
    assert len(expected.units) >= 10 and len(expected.zones) == 1 and len(expected.cameras) >= 24
    assert window.model.rowCount() == len(expected.incidents)
    labels = js(
        window.map, qtbot, "Array.from(document.querySelectorAll('.cr-street-label')).map(e => e.textContent)"
    )
    assert "Above Bar Street" in labels and "Bedford Place" in labels


def test_incident_from_another_process_reaches_table_and_map_within_2s(
    demo_db_url: str, open_window: Any, qtbot: Any
) -> None:
    demo_url = demo_db_url
    window = open_window(demo_url)
    js(window.map, qtbot, "window.__sameDocument = true")
    before = window.model.rowCount()
    reference = cli(
        demo_url,
        "report",
        "--venue",
        "Moonlit Parlour",
        "--category",
        "suspected_spiking",
        "--source",
        "licensed_premises",
        "--summary",
        "Customer feels drugged",
        "--grade",
        "1",
    )
    committed = time.monotonic()

    def on_map() -> bool:
        return window.map.bridge.last_counts.get("incidents") == before + 1

    wait_until(
        qtbot,
        lambda: window.model.rowCount() == before + 1 and on_map(),
        "window.model.rowCount() == before + 1 and on_map()",
        timeout=2000,
    )
    elapsed = time.monotonic() - committed
    row = window.model.incidents()[-1]
    assert row.reference == reference
    assert window.model.is_highlighted(row.id)
    assert elapsed < 2.0
    assert js(window.map, qtbot, "window.__sameDocument") is True  # updated, not reloaded


def test_safe_space_status_change_reaches_the_map(
    demo_url: str, open_window: Any, qtbot: Any, arun: Any
) -> None:
    window = open_window(demo_url)
    selector = "document.querySelectorAll('.cr-safe-full').length"
    full_before = js(window.map, qtbot, selector)

    async def mark_full() -> None:
        db = Database(demo_url)
        try:
            commands = Commands(db, Actor("partner:velvet-fox"))
            venue = next(v for v in demo_venues() if v.name == "Velvet Fox")
            await commands.upsert_venue(replace(venue, safe_space_status="full"))
        finally:
            await db.dispose()

    arun(mark_full())
    wait_until(
        qtbot,
        lambda: js(window.map, qtbot, selector) == full_before + 1,
        "js(window.map, qtbot, selector) == full_before + 1",
        timeout=2000,
    )


def test_selection_works_both_ways(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    first = window.model.incident_at(0)
    assert window.table.select_incident(first.id)
    wait_until(
        qtbot,
        lambda: js(window.map, qtbot, "controlroom.openIncident()") == first.id,
        'js(window.map, qtbot, "controlroom.openIncident()") == first.id',
    )

    reference = cli(
        demo_url,
        "report",
        "--at",
        "50.9000,-1.3990",
        "--place",
        "Queensway lay-by",
        "--category",
        "predatory_behaviour",
        "--source",
        "cctv",
        "--summary",
        "Man following lone woman",
    )
    wait_until(
        qtbot,
        lambda: any(i.reference == reference for i in window.model.incidents()),
        "any(i.reference == reference for i in window.model.incidents())",
    )
    target = next(i for i in window.model.incidents() if i.reference == reference)
    window.map.bridge.select_incident(target.id)  # bring it into view, then click it for real
    wait_until(
        qtbot,
        lambda: js(window.map, qtbot, "controlroom.openIncident()") == target.id,
        'js(window.map, qtbot, "controlroom.openIncident()") == target.id',
    )
    js(window.map, qtbot, "controlroom.closePopups()")
    assert window.table.selected_incident_id() == first.id
    wait_until(
        qtbot,
        lambda: js(window.map, qtbot, "controlroom.isMoving()") is False,
        'js(window.map, qtbot, "controlroom.isMoving()") is False',
    )
    point = js(window.map, qtbot, f"controlroom.incidentPoint({target.id})")
    QTest.mouseClick(
        window.map.focusProxy(),
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
        QPoint(round(point["x"]), round(point["y"])),
    )
    wait_until(
        qtbot,
        lambda: window.table.selected_incident_id() == target.id,
        "window.table.selected_incident_id() == target.id",
        timeout=3000,
    )


def test_typed_text_stays_inert_in_map_popups(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url)
    payload = (
        '<img src=x onerror="window.__pwned=1"></script><script>window.__pwned=2</script>'
        '`${window.__pwned=3}` <a href="javascript:window.__pwned=4">link</a> \u202eevil'
    )
    cli(
        demo_url,
        "report",
        "--at",
        "50.9040,-1.4044",
        "--place",
        "<b>Above Bar</b>",
        "--category",
        "other",
        "--source",
        "public",
        "--summary",
        payload,
    )
    wait_until(
        qtbot,
        lambda: any(i.summary == payload for i in window.model.incidents()),
        "any(i.summary == payload for i in window.model.incidents())",
    )
    target = next(i for i in window.model.incidents() if i.summary == payload)
    window.table.select_incident(target.id)
    wait_until(
        qtbot,
        lambda: js(window.map, qtbot, "controlroom.openIncident()") == target.id,
        'js(window.map, qtbot, "controlroom.openIncident()") == target.id',
    )
    popup = js(
        window.map,
        qtbot,
        "(() => { const p = document.querySelector('.cr-popup');"
        " return {text: p.textContent, imgs: p.querySelectorAll('img,script,a,b').length,"
        " pwned: window.__pwned === undefined ? null : window.__pwned}; })()",
    )
    # Markup stays text; the bidi override is spelled out, as the CLI and the PDFs show it.
    shown = payload.replace("\u202e", "\\u202e")
    assert shown in popup["text"] and "<b>Above Bar</b>" in popup["text"]
    assert "\u202e" not in popup["text"]
    assert popup["imgs"] == 0 and popup["pwned"] is None


def test_screenshot_command_saves_the_drawn_window(demo_url: str, tmp_path: Any) -> None:
    target = tmp_path / "board.png"
    done = subprocess.run(
        controlroom_cmd_gui("--db", demo_url, "screenshot", str(target), "--size", "1280x800"),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    image = QImage(str(target))
    assert (image.width(), image.height()) == (1280, 800)
    colours = {image.pixel(x, y) for x in range(0, 1280, 16) for y in range(0, 800, 16)}
    assert len(colours) > 50  # a drawn board and map, not a blank frame
    # A screenshot is nobody's arrangement: the user's saved layout is left alone.
    assert not [key for key in ui_state().allKeys() if key.startswith("layout/")]
    bad = subprocess.run(
        controlroom_cmd_gui("--db", demo_url, "screenshot", str(tmp_path / "x.jpg")),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert bad.returncode == 2 and "must end in .png" in bad.stderr


def controlroom_cmd_gui(*args: str) -> list[str]:
    import sys

    return [sys.executable, "-m", "ui.cli", *args]
