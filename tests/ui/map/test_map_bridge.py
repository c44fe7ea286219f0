"""MapBridge coalesces diffs: one message per interval with the latest state, operator actions in order."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from controlroom.core.snapshots import Change, IncidentSnapshot, UnitSnapshot
from controlroom.incidents.filters import IncidentFilter
from tests.ui.waits import wait_until
from ui.map.bridge import MapBridge

NOW = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)


def incident(n: int, **changes: object) -> IncidentSnapshot:
    base = IncidentSnapshot(
        id=n,
        reference=f"SOT-20261127-{n:04d}",
        reported_at=NOW,
        source="cctv",
        category="harassment",
        grade=3,
        status="new",
        venue_id=None,
        place=f"Place {n}",
        lat=50.905,
        lon=-1.404,
        summary=f"summary {n}",
        version=1,
    )
    return replace(base, **changes)


def unit(n: int, status: str) -> UnitSnapshot:
    return UnitSnapshot(
        id=n, callsign=f"SN{n}", kind="street_pastor", agency="", status=status, lat=50.9, lon=-1.4,
        position_at=None, status_since=NOW, incident_id=None, flag_id=None, version=1,
    )  # fmt: skip


def upsert(snapshot: IncidentSnapshot) -> Change:
    return Change(seq=1, entity="incident", op="upsert", entity_id=snapshot.id, incident=snapshot)


def delete(incident_id: int) -> Change:
    return Change(seq=1, entity="incident", op="delete", entity_id=incident_id)


def ready_bridge(qtbot: Any) -> tuple[MapBridge, list[dict[str, Any]]]:
    bridge = MapBridge(wall_clock=lambda: NOW)
    bridge.reset([incident(1), incident(2), incident(3)], [])
    messages: list[dict[str, Any]] = []
    bridge.sig_message_pushed.connect(lambda text: messages.append(json.loads(text)))
    bridge.pageReady()  # what the page calls once its web channel is up
    assert [m["type"] for m in messages] == ["alerts", "reset"]
    messages.clear()
    return bridge, messages


def test_a_burst_of_diffs_reaches_the_page_as_one_message_with_the_final_state(qtbot: Any) -> None:
    bridge, messages = ready_bridge(qtbot)
    bridge.apply_changes([upsert(incident(1, status="acknowledged", version=2))])
    bridge.apply_changes([upsert(incident(4)), delete(2)])
    bridge.apply_changes([upsert(incident(1, status="dispatched", version=3)), delete(4)])
    bridge.apply_patrol_changes([Change(1, "unit", "upsert", 7, unit=unit(7, "available"))], {})
    bridge.apply_patrol_changes([Change(2, "unit", "upsert", 7, unit=unit(7, "refreshment"))], {})
    bridge.set_alerting([3])
    assert messages == [] and bridge.pushes_pending

    wait_until(qtbot, lambda: not bridge.pushes_pending, "not bridge.pushes_pending", timeout=2000)

    assert [m["type"] for m in messages] == ["diff", "alerts"]
    diff = messages[0]
    assert [(i["id"], i["status"]) for i in diff["incidents"]] == [(1, "dispatched")]
    assert diff["removed_incidents"] == [2, 4]  # 4 came and went: removing it is harmless
    assert [(u["id"], u["status"]) for u in diff["units"]] == [(7, "refreshment")]
    assert messages[1]["ids"] == [3]


def test_operator_actions_go_at_once_after_what_was_queued(qtbot: Any) -> None:
    bridge, messages = ready_bridge(qtbot)
    bridge.apply_changes([upsert(incident(5))])
    bridge.select_incident(5)
    assert [m["type"] for m in messages] == ["diff", "select"]
    assert not bridge.pushes_pending
    messages.clear()

    bridge.apply_changes([upsert(incident(6, grade=1))])
    bridge.set_filter(IncidentFilter(grades=frozenset({1})))
    assert [m["type"] for m in messages] == ["diff"]  # the filter is one push, with the queued change
    assert [i["id"] for i in messages[0]["incidents"]] == [6]
    assert messages[0]["removed_incidents"] == [1, 2, 3, 5]


def test_nothing_is_queued_for_a_page_that_is_not_ready(qtbot: Any) -> None:
    bridge = MapBridge(wall_clock=lambda: NOW)
    messages: list[str] = []
    bridge.sig_message_pushed.connect(messages.append)
    bridge.apply_changes([upsert(incident(1))])
    assert not bridge.pushes_pending and messages == []
    bridge.pageReady()
    reset = json.loads(messages[-1])
    assert reset["type"] == "reset" and [i["id"] for i in reset["incidents"]] == [1]


def test_pin_overview_and_scale_go_at_once_and_survive_a_page_reload(qtbot: Any) -> None:
    bridge, messages = ready_bridge(qtbot)
    bridge.show_pin(50.9, -1.4)
    bridge.set_label_scale(1.25)
    bridge.show_overview()
    assert messages == [
        {"type": "pin", "lat": 50.9, "lon": -1.4},
        {"type": "scale", "factor": 1.25},
        {"type": "overview"},
    ]
    messages.clear()
    bridge.pageReady()  # the page loaded again: it gets the pin and the text size back
    assert [m["type"] for m in messages] == ["alerts", "reset", "pin", "scale"]
    messages.clear()
    bridge.clear_pin()
    bridge.pageReady()
    assert [m["type"] for m in messages] == ["pin_clear", "alerts", "reset", "scale"]


def test_centre_once_waits_for_an_incident_the_page_has_not_been_sent(qtbot: Any) -> None:
    bridge, messages = ready_bridge(qtbot)
    bridge.centre_once(2)  # already on the page: at once
    assert messages == [{"type": "centre", "id": 2}]
    messages.clear()
    bridge.apply_changes([upsert(incident(9, grade=1))])
    bridge.centre_once(9)  # its diff is still queued: the centring follows it
    bridge.centre_once(77)  # never shown (unknown, or filtered out): nothing
    assert messages == []
    wait_until(qtbot, lambda: not bridge.pushes_pending, "not bridge.pushes_pending", timeout=2000)
    assert [m["type"] for m in messages] == ["diff", "centre"]
    assert messages[1]["id"] == 9
