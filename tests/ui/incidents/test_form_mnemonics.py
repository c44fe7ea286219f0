"""Every Alt letter once per dialog: each form and dialog of incidents, flags, units and
dispersal is opened in the real window and its labels, buttons and boxes walked."""

from __future__ import annotations

import re
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QAbstractButton, QDialog, QGroupBox, QLabel, QPushButton, QWidget

from controlroom.core.snapshots import FlagSnapshot
from tests.ui.logins import actor_for, add_users
from tests.ui.waits import wait_until
from ui.dispersal.direction_checks import parse_person_number
from ui.dispersal.direction_dialog import DirectionDialog
from ui.incidents.action_specs import REOPEN
from ui.shell.main_window import MainWindow

_MNEMONIC = re.compile(r"&([^&\s])")


def mnemonics(dialog: QWidget) -> dict[str, list[str]]:
    """Alt letter → the texts that claim it, over every label, button and group box."""
    claimed: dict[str, list[str]] = defaultdict(list)
    texts = [w.text() for w in dialog.findChildren(QLabel)]
    texts += [w.text() for w in dialog.findChildren(QAbstractButton)]
    texts += [w.title() for w in dialog.findChildren(QGroupBox)]
    for text in texts:
        for letter in _MNEMONIC.findall(text.replace("&&", "")):
            claimed[letter.lower()].append(text)
    return claimed


def supervisor(url: str) -> Any:
    """Every form, the dispersal ones included: set-up mode may not open personal-data forms."""
    add_users(url, ("rkaur", "supervisor", ()))
    return actor_for(url, "rkaur")


def clashes(dialog: QWidget) -> dict[str, list[str]]:
    return {letter: texts for letter, texts in mnemonics(dialog).items() if len(texts) > 1}


def every_dialog(window: MainWindow, qtbot: Any, arun: Any) -> list[QDialog]:
    incident = window.model.incidents()[0]
    unit = window.units.model.units()[0]
    now = datetime.now(UTC)
    flag = FlagSnapshot(
        1, 50.91, -1.405, None, "Bedford Place", "loitering", "x", now, now, None, None, "a", 1
    )
    zone_task = window.dispersal_actions.new_zone()
    wait_until(qtbot, zone_task.done, "the zone form opened")
    dialogs: list[QDialog] = [zone_task.result()]
    dialogs.append(window.dispersal_actions.new_direction())
    dialogs.append(window.incident_actions.new_incident())
    dialogs[-1].guard.discard_now()
    dialogs.append(window.incident_actions.edit(incident))
    dialogs.append(window.patrols.new_flag())
    dialogs.append(window.patrols.convert_flag(flag))
    dialogs.append(window.patrols.locate_unit(unit))
    window.detail.show_incident(incident)
    window.detail._on_duplicate_clicked()
    assert window.detail.duplicate_dialog is not None
    dialogs.append(window.detail.duplicate_dialog)
    return dialogs


def test_every_alt_letter_is_claimed_once_in_each_dialog(
    demo_url: str, open_window: Any, qtbot: Any, arun: Any
) -> None:
    window = open_window(demo_url, actor=supervisor(demo_url))
    dialogs = every_dialog(window, qtbot, arun)
    assert len(dialogs) == 8
    for dialog in dialogs:
        assert mnemonics(dialog), f"{dialog.windowTitle()} offers no Alt keys"
        assert clashes(dialog) == {}, dialog.windowTitle()


def test_the_discard_question_has_its_own_keys(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url, actor=supervisor(demo_url))
    form = window.incident_actions.new_incident()
    form.place.setText("Velvet Fox")
    form.reject()
    assert form.guard.question is not None
    assert clashes(form.guard.question) == {}
    assert set(mnemonics(form.guard.question)) == {"k", "d"}


def test_alt_o_reaches_the_officer_and_the_person_number_refuses_words(
    demo_url: str, open_window: Any, qtbot: Any
) -> None:
    window = open_window(demo_url, actor=supervisor(demo_url))
    dialog = window.dispersal_actions.new_direction()
    assert isinstance(dialog, DirectionDialog)
    wait_until(qtbot, lambda: dialog.isActiveWindow(), "the direction form is active")
    QTest.keyClick(dialog, Qt.Key.Key_O, Qt.KeyboardModifier.AltModifier)
    assert dialog.focusWidget() is dialog.officer
    QTest.keyClicks(dialog.officer, "PC 1 Sam Patel")
    assert dialog.subject.text() == "" and dialog.officer.text() == "PC 1 Sam Patel"
    QTest.keyClick(dialog, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)
    assert dialog.focusWidget() is dialog.subject
    QTest.keyClicks(dialog.subject, "PC 1")
    dialog.where.setText("Bedford Place")  # a street of the street layer
    dialog.save()
    assert dialog.error.text().startswith("Known person no.: 'PC 1' is not a person's number")
    assert (parse_person_number(""), parse_person_number(" #12 ")) == (None, 12)


def test_the_direction_and_zone_forms_fit_a_768_high_screen(
    demo_url: str, open_window: Any, qtbot: Any, arun: Any
) -> None:
    window = open_window(demo_url, actor=supervisor(demo_url))
    for dialog in every_dialog(window, qtbot, arun):
        dialog.adjustSize()
        assert dialog.sizeHint().height() <= 700, (dialog.windowTitle(), dialog.sizeHint())
        assert dialog.sizeHint().width() <= 1300, (dialog.windowTitle(), dialog.sizeHint())


def test_the_reopen_button_shows_the_key_that_reopens(demo_url: str, open_window: Any, qtbot: Any) -> None:
    window = open_window(demo_url, actor=supervisor(demo_url))
    resolved = next(i for i in window.model.incidents() if i.status in ("resolved", "closed"))
    window.detail.show_incident(resolved)
    texts = [b.text() for b in window.detail.findChildren(QPushButton) if b.text().startswith("Reopen")]
    assert texts == [f"Reopen [{REOPEN.key}]"] == ["Reopen [U]"]
