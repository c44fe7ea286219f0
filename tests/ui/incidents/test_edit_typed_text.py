"""The edit form shows typed text as the rest of the window does: a bidi override spelled
out, not obeyed, and a field left as shown is not a change (the stored text is kept)."""

from __future__ import annotations

from typing import Any

from tests.ui.conftest import cli
from tests.ui.incidents.test_incident_handling import find
from tests.ui.waits import wait_until

SUMMARY = "Man following woman abc\u202eevil\u202c after"


def test_an_edit_form_neither_obeys_nor_rewrites_a_bidi_override(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_url)
    reference = cli(
        demo_url, "report", "--venue", "Velvet Fox", "--category", "harassment",
        "--source", "cctv", "--summary", SUMMARY, "--grade", "3",
    )  # fmt: skip
    wait_until(qtbot, lambda: find(window, reference=reference) is not None, "the report is on the board")
    form = window.incident_actions.edit(find(window, reference=reference))
    shown = form.summary.text()
    assert "\u202e" not in shown and "\u202c" not in shown
    assert shown == "Man following woman abc\\u202eevil\\u202c after"
    # Only the grade changes: the summary as shown is not sent, so the stored text stays.
    form.grade.setCurrentIndex(form.grade.findData(2))
    form.save()
    wait_until(qtbot, lambda: find(window, reference=reference).grade == 2, "the grade is saved")
    saved = find(window, reference=reference)
    assert saved.summary == SUMMARY and saved.version == 2
