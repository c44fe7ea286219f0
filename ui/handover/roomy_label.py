"""``RoomyLabel``: a form label whose last letter is never cut off."""

from __future__ import annotations

from PySide6.QtCore import QSize
from PySide6.QtWidgets import QLabel

LABEL_ROOM = 6  # px after a form label's text


class RoomyLabel(QLabel):
    """A form label with a few pixels after its text.

    QFormLayout gives a label exactly its size hint; on the real screen (X11, DejaVu Sans
    at 12 pt) the text drew a few pixels wider than that and its last letter was cut ("Tc"
    for "To"). A margin would not help: the text is clipped to the contents rectangle.
    """

    def sizeHint(self) -> QSize:  # noqa: N802
        hint = super().sizeHint()
        return QSize(hint.width() + LABEL_ROOM, hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802
        hint = super().minimumSizeHint()
        return QSize(hint.width() + LABEL_ROOM, hint.height())
