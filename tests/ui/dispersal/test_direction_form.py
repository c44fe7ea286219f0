"""The s.35 direction form against a real database: every legal question starts
unanswered, each refusal shows in the form and writes nothing, each answer reaches
the stored s.38 record; the time given is read on the UK clock whatever the
console's own time zone; a person with a direction still running is flagged."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from controlroom.commands import Commands
from controlroom.core.domain import LOCAL_TZ
from controlroom.dispersal.papers import direction_paper
from controlroom.dispersal.queries import list_directions
from controlroom.storage.database import Database
from tests.ui.dispersal.conftest import DispersalDb, operator
from tests.ui.waits import wait_until
from ui.dispersal.direction_dialog import DirectionDialog


@pytest.fixture
def commands(dispersal_db: DispersalDb, arun: Any) -> Iterator[Commands]:
    db = Database(dispersal_db.url)
    yield Commands(db, operator(dispersal_db.url))
    arun(db.dispose())


def _zones(commands: Commands, arun: Any) -> Any:
    from controlroom.dispersal.queries import list_zones

    return arun(list_zones(commands.db))


def _running(commands: Commands, arun: Any) -> Any:
    return [d for d in arun(list_directions(commands.db)) if d.active(datetime.now(UTC))]


def _form(commands: Commands, arun: Any, qtbot: Any) -> DirectionDialog:
    dialog = DirectionDialog(commands, _zones(commands, arun), running=_running(commands, arun))
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def _fill(dialog: DirectionDialog, **skip: bool) -> None:
    """Everything answered lawfully, except the questions named in ``skip``."""
    dialog.where.setText("50.9131,-1.4051")
    dialog.description.setText("Male, 20s, <b>red</b> jacket")
    dialog.age.setValue(24)
    dialog.officer.setText("PC 4521 Sam Patel")
    dialog.capacity.setCurrentIndex(dialog.capacity.findData("constable"))
    dialog.behaviour.setText("Touching women in the taxi queue")
    dialog.grounds.setText("Seen on CCTV touching two women")
    dialog.necessity.setText("He returned after words of advice")
    answers = {
        "in_uniform": (dialog.in_uniform, True),
        "access_kept": (dialog.access_kept, True),
        "picket": (dialog.picket, False),
        "warning_given": (dialog.warning_given, True),
        "written": (dialog.written, True),
    }
    for name, (box, value) in answers.items():
        if not skip.get(name):
            box.set_answer(value)


def _save(dialog: DirectionDialog, qtbot: Any) -> None:
    dialog.save()
    wait_until(
        qtbot,
        lambda: bool(dialog.error.text()) or not dialog.isVisible(),
        "the form was refused or saved",
        timeout=5000,
    )


def _count(commands: Commands, arun: Any) -> int:
    return len(arun(list_directions(commands.db)))


def test_the_offence_warning_and_written_notice_start_unanswered(
    commands: Commands, arun: Any, qtbot: Any
) -> None:
    dialog = _form(commands, arun, qtbot)
    for box in (dialog.warning_given, dialog.written, dialog.in_uniform, dialog.access_kept, dialog.picket):
        assert box.answer() is None and box.currentText() == "— answer —"
    assert dialog.capacity.currentData() is None
    before = _count(commands, arun)
    _fill(dialog, warning_given=True)
    _save(dialog, qtbot)
    assert "Offence warning told" in dialog.error.text() and "s.35(6)" in dialog.error.text()
    dialog.warning_given.set_answer(False)
    assert dialog.no_warning_reason.isEnabled()
    _save(dialog, qtbot)
    assert "not practicable" in dialog.error.text()
    dialog.warning_given.set_answer(True)
    dialog.written.set_answer(None)
    _save(dialog, qtbot)
    assert "Written notice" in dialog.error.text() and "s.35(5)(a)" in dialog.error.text()
    assert _count(commands, arun) == before  # nothing written


def test_a_plain_clothes_officer_may_not_give_a_direction(commands: Commands, arun: Any, qtbot: Any) -> None:
    dialog = _form(commands, arun, qtbot)
    before = _count(commands, arun)
    _fill(dialog)
    dialog.in_uniform.set_answer(False)
    assert "plain-clothes officer" in dialog.uniform_note.text() and "s.35(1)" in dialog.uniform_note.text()
    _save(dialog, qtbot)
    assert "s.35(1)" in dialog.error.text() and dialog.isVisible()
    dialog.in_uniform.set_answer(None)
    _save(dialog, qtbot)
    # The core's words, as the command line prints them.
    assert "was in uniform: only a constable in uniform may give a direction (s.35(1))" in dialog.error.text()
    assert _count(commands, arun) == before


def test_the_s36_questions_must_be_answered_and_a_picket_is_refused(
    commands: Commands, arun: Any, qtbot: Any
) -> None:
    dialog = _form(commands, arun, qtbot)
    before = _count(commands, arun)
    _fill(dialog, access_kept=True)
    _save(dialog, qtbot)
    assert "(s.36(2) and (3))" in dialog.error.text()
    dialog.access_kept.set_answer(True)
    dialog.picket.set_answer(True)
    assert "s.36(4)" in dialog.picket_note.text()
    _save(dialog, qtbot)
    assert "s.36(4)" in dialog.error.text()
    assert _count(commands, arun) == before


def test_a_pcso_needs_the_designation_and_is_recorded_as_one(
    commands: Commands, arun: Any, qtbot: Any
) -> None:
    dialog = _form(commands, arun, qtbot)
    _fill(dialog)
    dialog.capacity.setCurrentIndex(dialog.capacity.findData("PCSO"))
    _save(dialog, qtbot)
    assert "PCSO" in dialog.error.text()  # the rank says PC
    dialog.officer.setText("PCSO 7788 Lee Hart")
    _save(dialog, qtbot)
    assert "record the designation reference (s.40)" in dialog.error.text()
    assert dialog.designation.isEnabled()
    dialog.designation.setText("HC-PCSO-2026-114")
    saved: list[Any] = []
    dialog.sig_saved.connect(saved.append)
    _save(dialog, qtbot)
    assert dialog.error.text() == "" and saved
    paper = arun(direction_paper(commands.db, saved[0].direction.reference))
    assert paper.officer_capacity == "PCSO" and paper.pcso_designation == "HC-PCSO-2026-114"
    assert paper.in_uniform is True and paper.access_kept is True
    assert paper.necessity == "He returned after words of advice"
    assert paper.grounds == "Seen on CCTV touching two women"


def test_the_time_given_is_read_on_the_uk_clock_whatever_the_consoles_zone(
    commands: Commands, arun: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        now = datetime.now(UTC)
        dialog = _form(commands, arun, qtbot)
        shown = datetime.strptime(dialog.given_time.edit.text(), "%Y-%m-%d %H:%M").replace(tzinfo=LOCAL_TZ)
        assert abs(shown - now) < timedelta(minutes=2)  # London's wall time, not New York's
        street = (now - timedelta(minutes=35)).astimezone(LOCAL_TZ).replace(second=0, microsecond=0)
        dialog.given_time.edit.setText(street.strftime("%H:%M"))
        assert street.strftime("%H:%M") in dialog.given_time.reading.text()
        _fill(dialog)
        dialog.leave_minutes.setValue(15)
        saved: list[Any] = []
        dialog.sig_saved.connect(saved.append)
        _save(dialog, qtbot)
        assert dialog.error.text() == ""
        made = saved[0].direction
        assert made.given_at == street.astimezone(UTC)  # the street time, not the entry time
        assert made.leave_by == street.astimezone(UTC) + timedelta(minutes=15)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
    assert os.environ.get("TZ") is None


@pytest.mark.parametrize(
    ("typed", "readings"),
    [
        ("2027-03-28 01:30", ("does not exist", "GMT", "BST")),
        ("2026-10-25 01:30", ("happened twice", "01:30 BST", "01:30 GMT")),
    ],
)
def test_a_time_the_clock_change_makes_unclear_is_refused_naming_both_readings(
    commands: Commands, arun: Any, qtbot: Any, typed: str, readings: tuple[str, ...]
) -> None:
    dialog = _form(commands, arun, qtbot)
    before = _count(commands, arun)
    _fill(dialog)
    dialog.given_time.edit.setText(typed)
    _save(dialog, qtbot)
    message = dialog.error.text()
    assert message.startswith("Time given (on the street):")
    assert all(words in message for words in readings), message
    assert _count(commands, arun) == before


def test_a_person_with_a_running_direction_is_flagged_and_needs_a_supervisor(
    dispersal_db: DispersalDb, commands: Commands, arun: Any, qtbot: Any
) -> None:
    dialog = _form(commands, arun, qtbot)
    assert dialog.running_flag.isHidden() and dialog.supervisor_row.isHidden()
    _fill(dialog)
    dialog.subject.setText(str(dispersal_db.subject_id))
    flag = dialog.running_flag.text()
    assert not dialog.running_flag.isHidden() and not dialog.supervisor_row.isHidden()
    assert f"{dispersal_db.reference} is still running until" in flag
    assert "variation or a breach, not a fresh 48 hours" in flag
    before = _count(commands, arun)
    _save(dialog, qtbot)
    assert "Supervisor" in dialog.error.text() and _count(commands, arun) == before
    dialog.supervisor.setText("PS 1180 Dee Cole")
    dialog.supervisor_reason.setText("New behaviour at a different place; agreed by radio")
    saved: list[Any] = []
    dialog.sig_saved.connect(saved.append)
    _save(dialog, qtbot)
    assert dialog.error.text() == "" and saved
    paper = arun(direction_paper(commands.db, saved[0].direction.reference))
    assert paper.supervisor == "Sergeant 1180 Dee Cole"  # the rank written out
    assert paper.supervisor_reason == "New behaviour at a different place; agreed by radio"
    assert paper.running_direction == dispersal_db.reference


def test_surrendered_items_need_the_belief_and_whether_in_writing(
    commands: Commands, arun: Any, qtbot: Any
) -> None:
    dialog = _form(commands, arun, qtbot)
    _fill(dialog)
    dialog.items.setText("Bottle of wine; Hip flask")
    dialog.refused.setText("Lighter")
    _save(dialog, qtbot)
    assert "believes the items" in dialog.error.text() and "(s.37(1))" in dialog.error.text()
    dialog.belief.setText("Drinking from them while following women")
    _save(dialog, qtbot)
    assert "say whether the direction to surrender was given in writing (s.37(2))" in dialog.error.text()
    dialog.surrender_in_writing.set_answer(True)
    saved: list[Any] = []
    dialog.sig_saved.connect(saved.append)
    _save(dialog, qtbot)
    assert dialog.error.text() == ""
    paper = arun(direction_paper(commands.db, saved[0].direction.reference))
    assert paper.surrendered_items == ("Bottle of wine", "Hip flask")
    assert paper.refused_items == ("Lighter",)
    assert paper.surrender_belief == "Drinking from them while following women"
    assert paper.surrender_in_writing is True
