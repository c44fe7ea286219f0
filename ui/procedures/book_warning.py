"""The window's line for a refused procedures file: which file, which line, what is wrong.

The core never stops for a bad procedures file (``controlroom.procedures.book``): it
names the file, the line and what would be right, and copies new checklists from the
shipped procedures instead. A console whose force's own procedures were refused must
say so where every operator sees it — a notice across the top of the window, one line
(the whole message in its tooltip) — until the file is fixed and the window restarted.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QSizePolicy

from controlroom.commands import Commands
from controlroom.procedures.book import current_book
from ui.common import theme
from ui.common.typed_text import shown_line

_CORE_TAIL = " — the shipped procedures are in use instead"
_WHERE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): ")
BANNER_MIN_WIDTH = 200  # a narrow window clips the line; the tooltip has it all
STYLE = f"background: {theme.OPEN_MODE_BANNER}; color: {theme.WHITE}; font-weight: bold; padding: 6px 8px;"


def in_window_words(warning: str) -> str:
    """``/x/procedures.toml:12: what…`` → ``Procedures file /x/procedures.toml line 12: what… — using
    the shipped procedures``."""
    detail = warning.removesuffix(_CORE_TAIL)
    detail = _WHERE.sub(lambda m: f"{m['path']} line {m['line']}: ", detail, count=1)
    return f"Procedures file {detail} — using the shipped procedures"


def procedures_banner(commands: Commands) -> QLabel | None:
    """The notice for the procedures this console copies checklists from, or None if they are fine."""
    book = commands.context.procedures or current_book()
    if book.warning is None:
        return None
    text = shown_line(in_window_words(book.warning))  # the file's words: controls spelled out
    banner = QLabel(text)
    banner.setObjectName("proceduresBanner")
    banner.setTextFormat(Qt.TextFormat.PlainText)  # nor markup
    # Qt reads a tooltip that looks like HTML as rich text: the file's contents are quoted in it.
    banner.setToolTip("<qt>" + html.escape(text) + "</qt>")
    banner.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    banner.setMinimumWidth(BANNER_MIN_WIDTH)
    banner.setStyleSheet(STYLE)
    return banner
