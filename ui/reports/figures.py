"""What a report says in the dock beside its charts: key figures in large text, and its tables.

Key figures are the few numbers a supervisor reads aloud at the end of a night: how many
incidents, the share answered within target per grade, s.35 directions given, and
targets breached. The tables are the per-venue table (how each incident stands to the
venue, so a licensing review reads evidence rather than a count) and the repeat-location
table (150 m squares ranked by count and by harm).

Venue names were typed by people: shown inert (``shown_line``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from controlroom.reports.hotspots import Hotspots
from ui.common.typed_text import shown_line

VENUE_COLUMNS = ("Venue", "Inside", "Door/queue", "Nearby", "Venue-reported", "At venue (not said)", "Total")
REPEAT_COLUMNS = ("Rank", "150 m square (BNG corner)", "Incidents", "Harm weight")


def grade_words(grade: int | None) -> str:
    return f"G{grade}" if grade is not None else "Ungraded"


def share_words(share: float | None) -> str:
    return "—" if share is None else f"{share * 100:.0f} %"


def night_figures(pack: Any) -> list[tuple[str, str]]:
    """(caption, value) pairs for a night pack, in reading order."""
    figures = [("Incidents", str(len(pack.incidents)))]
    for grade in pack.grades:
        if grade.incidents:
            figures.append((f"{grade_words(grade.grade)} within target", share_words(grade.within_target)))
    figures.append(("s.35 directions", str(pack.directions)))
    figures.append(("Breaches", str(len(pack.breaches))))
    return figures


def period_figures(report: Any) -> list[tuple[str, str]]:
    """(caption, value) pairs for a period report: incidents, nights, share within target per grade,
    s.35 directions and target breaches (with how many callers were told), as the night pack's."""
    figures = [("Incidents", str(report.total)), ("Nights", str(report.nights))]
    for grade in report.grades:
        if grade.incidents:
            figures.append((f"{grade_words(grade.grade)} within target", share_words(grade.share)))
    figures.append(("s.35 directions", str(report.dispersal.directions)))
    told, breaches = report.caller_told
    figures.append(("Breaches", f"{breaches} ({told} told)" if breaches else "0"))
    return figures


def venue_rows(pack_or_report: Any) -> list[tuple[str, ...]]:
    """The per-venue table's rows (venues with no linked incident left out)."""
    rows = []
    for venue in getattr(pack_or_report, "venues", ()):
        counts = (
            venue.inside,
            venue.door_queue,
            venue.nearby,
            venue.venue_reported,
            venue.at_venue,
            venue.total,
        )
        name = venue.venue if hasattr(venue, "venue") else venue.name  # night pack / period report
        rows.append((shown_line(name), *(str(n) for n in counts)))
    return rows


def repeat_rows(density: Hotspots) -> list[tuple[str, ...]]:
    """The repeat-location table by count: rank, square, incidents, harm weight."""
    return [
        (str(rank), f"E {cell.easting} N {cell.northing}", f"{cell.incidents:.0f}", f"{cell.harm:.0f}")
        for rank, cell in enumerate(density.top_by_count, start=1)
    ]


def fill_table(table: QTableWidget, columns: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    """A read-only table of ``rows`` (the first column left-aligned, numbers right)."""
    table.clear()
    table.setColumnCount(len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setRowCount(len(rows))
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            item = QTableWidgetItem(text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
            if c:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            table.setItem(r, c, item)
    table.resizeColumnsToContents()
    table.setFixedHeight(
        table.horizontalHeader().height()
        + sum(table.rowHeight(r) for r in range(len(rows)))
        + 2 * table.frameWidth()
    )


def report_table(name: str) -> QTableWidget:
    table = QTableWidget()
    table.setObjectName(name)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setTabKeyNavigation(False)
    table.verticalHeader().setVisible(False)
    table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    table.horizontalHeader().setStretchLastSection(True)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    return table
