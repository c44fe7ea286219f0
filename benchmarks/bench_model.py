"""IncidentTableModel: applying a 100-incident diff to 100,000 rows, beside a full reset.

Three set-ups, each measured in the same run:

* ``model``: the bare ``IncidentTableModel``;
* ``proxy``: the model behind a ``QSortFilterProxyModel`` sorted on the age column with
  the sort role and dynamic sorting, as ``ui/incidents/view.py`` configures it;
* ``view``: the real ``IncidentTableView`` shown offscreen; the ``+paint`` columns add
  the ``processEvents()`` that follows (deferred layout and repaint of the viewport).

Cases: a mixed diff (40 inserts, 50 updates, 10 removals), 100 inserts, 100 updates,
10 removals alone, and ``tick()`` (the once-a-second age refresh). The model grows by
the inserted rows as the run goes on (100,000 to about 104,000 rows). Baseline:
``reset()`` with 100,100 rows. Target: ``apply_changes`` ≤ 5 ms (median and p95).

Run: ``.venv/bin/python benchmarks/bench_model.py [--reps 30] [--reset-reps 3]``
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import argparse
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from benchlib import print_table, summary_ms, verdict
from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QApplication

from controlroom.core.snapshots import Change, IncidentSnapshot
from ui.incidents.model import AGE, SORT_ROLE, IncidentTableModel
from ui.incidents.view import IncidentTableView

ROWS = 100_000
TARGET_MS = 5.0
NOW = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)
STATUSES = ("new", "acknowledged", "dispatched", "on_scene", "resolved")
# One frame at 60 Hz: our yardstick for the once-a-second tick (no target was set for it).
TICK_YARDSTICK_MS = 16.7
HEADER = ["setup", "case", "n", "med ms", "p95 ms", "max ms", "+paint med", "+paint p95", "target", "verdict"]
CASES = {
    "mixed 40 ins / 50 upd / 10 del": (40, 50, 10),
    "100 inserts": (100, 0, 0),
    "100 updates": (0, 100, 0),
    "10 removals (part of mixed)": (0, 0, 10),
}


class Board:
    """One set-up under test, and realistic diffs against the rows it currently holds."""

    def __init__(self, kind: str, seed: int) -> None:
        self.kind = kind
        self.rng = random.Random(seed)
        # A frozen monotonic clock: highlights never expire mid-run, so tick() is steady state.
        self.model = IncidentTableModel(wall_clock=lambda: NOW, monotonic=lambda: 0.0)
        self.proxy: QSortFilterProxyModel | None = None
        self.view: IncidentTableView | None = None
        if kind == "proxy":
            # The same proxy set-up as IncidentTableView, without the widget.
            self.proxy = QSortFilterProxyModel()
            self.proxy.setSourceModel(self.model)
            self.proxy.setSortRole(SORT_ROLE)
            self.proxy.setDynamicSortFilter(True)
            self.proxy.sort(AGE, Qt.SortOrder.AscendingOrder)
        elif kind == "view":
            self.view = IncidentTableView(self.model)
            self.view.resize(1600, 900)
            self.view.show()
        self.next_id = 1
        self.model.reset(self.new_incidents(ROWS, fresh=False))
        settle()

    def new_incidents(self, count: int, *, fresh: bool = True) -> list[IncidentSnapshot]:
        """``count`` new incidents: just reported (newest first in the view), or spread over 24 h."""
        ids = range(self.next_id, self.next_id + count)
        self.next_id += count
        if fresh:
            return [make_incident(n, -n / 1000) for n in ids]
        return [make_incident(n, self.rng.uniform(0, 86_400)) for n in ids]

    def diff(self, inserts: int, updates: int, removals: int) -> list[Change]:
        """A diff touching random rows: half the updates change status, half grade."""
        picked = self.rng.sample(range(self.model.rowCount()), updates + removals)
        changes: list[Change] = []
        for k, row in enumerate(picked[:updates]):
            old = self.model.incident_at(row)
            if k % 2:
                new = replace(old, grade=old.grade % 4 + 1, version=old.version + 1)
            else:
                status = STATUSES[(STATUSES.index(old.status) + 1) % len(STATUSES)]
                new = replace(old, status=status, version=old.version + 1)
            changes.append(Change(seq=0, entity="incident", op="upsert", entity_id=old.id, incident=new))
        for row in picked[updates:]:
            gone = self.model.incident_at(row).id
            changes.append(Change(seq=0, entity="incident", op="delete", entity_id=gone))
        for new in self.new_incidents(inserts):
            changes.append(Change(seq=0, entity="incident", op="upsert", entity_id=new.id, incident=new))
        return changes

    def timed(self, action: Callable[[], None]) -> tuple[float, float]:
        """Seconds ``action`` takes, and with the events it leaves (layout, paint) processed."""
        start = time.perf_counter()
        action()
        applied = time.perf_counter()
        if self.kind == "view":
            settle()
        return applied - start, time.perf_counter() - start


def make_incident(n: int, age_seconds: float) -> IncidentSnapshot:
    return IncidentSnapshot(
        id=n,
        reference=f"SOT-20261127-{n:06d}",
        reported_at=NOW - timedelta(seconds=age_seconds),
        source="cctv",
        category="harassment",
        grade=n % 4 + 1,
        status="new",
        venue_id=None,
        place=f"Place {n}",
        lat=50.905,
        lon=-1.404,
        summary=f"summary of incident {n}",
        version=1,
    )


def settle() -> None:
    QApplication.processEvents()
    QApplication.processEvents()


def measure(board: Board, reps: int, reset_reps: int, tick_reps: int) -> list[list[object]]:
    """One table row per case; the diff is built outside the timed region."""
    table: list[list[object]] = []
    for label, (ins, upd, rem) in CASES.items():
        samples = []
        for _ in range(reps):
            changes = board.diff(ins, upd, rem)
            samples.append(board.timed(lambda c=changes: board.model.apply_changes(c)))
        table.append(row(board.kind, label, samples, TARGET_MS))
    board.model.tick()  # the first tick after loading flags every overdue incident once
    ticks = [board.timed(board.model.tick) for _ in range(tick_reps)]
    table.append(row(board.kind, "tick() (every second, steady)", ticks, TICK_YARDSTICK_MS))
    if board.view is not None:
        viewport = board.view.viewport()
        paints = [board.timed(viewport.update) for _ in range(reps)]
        table.append(row(board.kind, "reference: viewport repaint only", paints, None))
    full = board.model.incidents()[:ROWS] + board.new_incidents(100)
    resets = [board.timed(lambda: board.model.reset(full)) for _ in range(reset_reps)]
    table.append(row(board.kind, f"BASELINE reset({len(full):,} rows)", resets, None))
    return table


def row(kind: str, label: str, samples: Sequence[tuple[float, float]], target: float | None) -> list[object]:
    """Verdict on the synchronous time (median and p95); the view's paint is shown beside it."""
    applied = summary_ms([a for a, _ in samples])
    painted = summary_ms([t for _, t in samples]) if kind == "view" else None
    worst = max(applied["median"], applied["p95"])
    extra = [painted["median"], painted["p95"]] if painted else ["-", "-"]
    figures = [applied["median"], applied["p95"], applied["max"], *extra]
    return [kind, label, len(samples), *figures, target or "-", verdict(worst, target)]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=30, help="repetitions per diff case (default 30)")
    parser.add_argument(
        "--reset-reps", type=int, default=3, help="baseline resets behind the proxy/view (default 3; slow)"
    )
    parser.add_argument("--setups", default="model,proxy,view", help="comma-separated: model,proxy,view")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication([])
    table: list[list[object]] = []
    for kind in args.setups.split(","):
        started = time.perf_counter()
        board = Board(kind, seed=7)
        print(f"[{kind}] {ROWS:,} rows loaded in {time.perf_counter() - started:.1f} s", flush=True)
        bare = kind == "model"
        table += measure(board, args.reps, 30 if bare else args.reset_reps, 30 if bare else 3)
        del board
        settle()
    print_table(f"IncidentTableModel holding {ROWS:,} rows", HEADER, table)
    app.processEvents()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
