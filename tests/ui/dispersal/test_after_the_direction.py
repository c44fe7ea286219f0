"""After a direction: the s.35(7) take-home outcome, a withdrawal with the time the
person was told (s.35(9)), the zone form's signing time, and set-up mode showing
zones only — each through the window's forms against a real database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from controlroom.commands import Commands
from controlroom.core.domain import LOCAL_TZ
from controlroom.dispersal.papers import direction_paper
from controlroom.dispersal.queries import list_directions
from controlroom.storage.database import Database
from tests.ui.dispersal.conftest import SUPERVISOR, DispersalDb, direction_spec, operator
from tests.ui.logins import actor_for
from tests.ui.waits import wait_until
from ui.dispersal.change_dialogs import TakeHomeDialog, WithdrawDialog
from ui.dispersal.panel import SETUP_WORDS


@pytest.fixture
def commands(dispersal_db: DispersalDb, arun: Any) -> Iterator[Commands]:
    db = Database(dispersal_db.url)
    yield Commands(db, operator(dispersal_db.url))
    arun(db.dispose())


def _save(dialog: Any, qtbot: Any) -> None:
    dialog.save()
    wait_until(qtbot, lambda: bool(dialog.error.text()) or not dialog.isVisible(), "refused or saved")


def _local(moment: datetime) -> str:
    return moment.astimezone(LOCAL_TZ).strftime("%Y-%m-%d %H:%M")


def test_the_take_home_outcome_closes_the_task_and_reaches_the_record(
    dispersal_db: DispersalDb, commands: Commands, arun: Any, qtbot: Any
) -> None:
    given = arun(
        commands.give_direction(direction_spec(dispersal_db.zone_id, apparent_age=14, description="Boy, 14"))
    )
    assert given.take_home_task_id is not None
    dialog = TakeHomeDialog(commands, given.direction)
    qtbot.addWidget(dialog)
    dialog.show()
    _save(dialog, qtbot)
    assert "Taken to" in dialog.error.text()
    dialog.taken_to.setText("Home address (on the record)")
    dialog.taken_by.setText("PC 4521 Sam Patel")
    dialog.told.setText("Mother, <b>Ann</b>")
    told = (datetime.now(UTC) - timedelta(minutes=5)).replace(second=0, microsecond=0)
    dialog.told_at.edit.setText(_local(told))
    dialog.referral.setText("MASH referral 2026-5512")
    _save(dialog, qtbot)
    assert dialog.error.text() == ""
    paper = arun(direction_paper(commands.db, given.direction.reference))
    home = paper.take_home
    assert home is not None and home.status == "done"
    assert (home.taken_to, home.taken_by, home.told) == (
        "Home address (on the record)",
        "PC 4521 Sam Patel",
        "Mother, <b>Ann</b>",
    )
    assert home.told_at == told and home.referral == "MASH referral 2026-5512"
    done = next(d for d in arun(list_directions(commands.db)) if d.reference == given.direction.reference)
    assert done.take_home_done


def test_a_withdrawal_records_when_the_person_was_told(
    dispersal_db: DispersalDb, commands: Commands, arun: Any, qtbot: Any
) -> None:
    running = next(d for d in arun(list_directions(commands.db)) if d.reference == dispersal_db.reference)
    dialog = WithdrawDialog(commands, running)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.officer.setText("PS 1180 Dee Cole")
    dialog.reason.setText("He was a witness, not the aggressor")
    assert dialog.notice.answer() is None
    _save(dialog, qtbot)
    assert "Person told" in dialog.error.text() and "s.35(9)" in dialog.error.text()
    dialog.notice.set_answer(True)
    told = (datetime.now(UTC) - timedelta(minutes=3)).replace(second=0, microsecond=0)
    dialog.notice_at.edit.setText(_local(told))
    _save(dialog, qtbot)
    assert dialog.error.text() == ""
    paper = arun(direction_paper(commands.db, dispersal_db.reference))
    assert paper.withdrawn_at is not None
    withdrawal = paper.changes[-1]
    assert withdrawal.notice_given_at == told


def test_the_zone_form_records_when_the_inspector_signed_it(
    dispersal_db: DispersalDb, arun: Any, qtbot: Any
) -> None:
    from unittest.mock import MagicMock

    from ui.dispersal.dialogs import ZoneDialog

    db = Database(dispersal_db.url)
    commands = Commands(db, actor_for(dispersal_db.url, SUPERVISOR))
    bridge = MagicMock()
    dialog = ZoneDialog(commands, bridge, [])
    qtbot.addWidget(dialog)
    dialog.show()
    now = datetime.now(UTC)
    assert dialog.signed.edit.text() == _local(now) or dialog.signed.edit.text() == _local(
        now - timedelta(minutes=1)
    )
    dialog.polygon = [(50.9030, -1.4060), (50.9030, -1.4030), (50.9080, -1.4030)]
    dialog.name.setText("Above Bar")
    dialog.officer.setText("Insp 3310 Ria Kaur")
    dialog.grounds.setText("Fights at closing time")
    dialog.rights.setText("No protest planned")
    dialog.log_number.setText("LOG-79")
    signed = (now - timedelta(minutes=30)).replace(second=0, microsecond=0)
    dialog.signed.edit.setText(_local(signed))
    dialog.starts.edit.setText(_local(signed - timedelta(minutes=10)))
    _save(dialog, qtbot)
    assert "before it was signed" in dialog.error.text()
    dialog.starts.edit.setText(_local(signed))
    saved: list[Any] = []
    dialog.sig_saved.connect(saved.append)
    _save(dialog, qtbot)
    assert dialog.error.text() == "" and saved[0].signed_at == signed
    arun(db.dispose())


def test_set_up_mode_shows_zones_only_and_says_when_directions_appear(
    sqlite_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(sqlite_url)  # no users: set-up mode
    panel = window.dispersal
    window.boards.setCurrentWidget(panel)
    wait_until(qtbot, lambda: not panel.setup_note.isHidden(), "the set-up note is shown")
    assert panel.setup_note.text() == SETUP_WORDS
    assert "first administrator" in SETUP_WORDS and "operator or supervisor" in SETUP_WORDS
    assert panel.table.isHidden()
    offered = {b.spec.name: b.offered for b in window.registry.bound()}
    assert offered["direction.new"] is False and offered["direction.new_window"] is False
    assert offered["zone.new"] is True  # zones are not personal data
