"""The handover tree shows typed text spelled out, obeying nothing, and edits only the notes."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from PySide6.QtCore import QLocale, Qt

from controlroom.handover.content import HandoverContent, HandoverItem, HandoverSection
from ui.handover.notes_tree import ITEM, NOTE, HandoverTree

TYPED = "Velvet Fox\u202e kcab ti llet\u202c"


def _content() -> HandoverContent:
    incidents = HandoverSection(
        "incidents",
        "Open incidents",
        ("Reference", "Place"),
        (HandoverItem("incident:7", ("SOT-0007", TYPED), note=f"note {TYPED}"),),
    )
    persons = HandoverSection("persons", "Persons of concern seen tonight", ("Record",), withheld="Left out.")
    return HandoverContent(
        datetime(2026, 11, 27, 23, tzinfo=UTC), "op", "operator", date(2026, 11, 27), (incidents, persons)
    )


def test_typed_cells_and_notes_are_spelled_out_and_only_notes_are_editable(qtbot: Any) -> None:
    tree = HandoverTree(editable=True)
    qtbot.addWidget(tree)
    tree.fill(_content())

    assert tree.item_text("incident:7") == "SOT-0007 · Velvet Fox\\u202e kcab ti llet\\u202c"
    shown = tree.itemDelegateForColumn(NOTE).displayText(tree.note("incident:7"), QLocale())
    assert shown == "note Velvet Fox\\u202e kcab ti llet\\u202c"
    assert tree.note("incident:7") == f"note {TYPED}"  # the note itself is kept as typed
    heads = [tree.topLevelItem(n) for n in range(tree.topLevelItemCount())]
    assert [h.text(ITEM) for h in heads] == ["Open incidents (1)", "Persons of concern seen tonight (0)"]
    assert [heads[1].child(n).text(ITEM) for n in range(heads[1].childCount())] == ["Left out.", "nothing"]
    assert tree.current_key() == "incident:7"  # the keyboard starts on the first item
    assert tree.editTriggers() == tree.EditTrigger.NoEditTriggers  # cells are never edited by Qt's triggers
    tree.setCurrentItem(heads[0])
    assert not tree.edit_note()  # a section row has no note
    assert tree.edit_note("incident:7") and tree.currentColumn() == NOTE


def test_a_read_only_tree_opens_no_editor(qtbot: Any) -> None:
    tree = HandoverTree(editable=False)
    qtbot.addWidget(tree)
    tree.fill(_content())
    assert not tree.edit_note("incident:7")
    assert not tree.topLevelItem(0).child(0).flags() & Qt.ItemFlag.ItemIsEditable
