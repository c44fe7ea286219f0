"""Small helpers the benchmark scripts share: percentiles, verdicts and plain-text tables."""

from __future__ import annotations

import argparse
import asyncio
import math
import statistics
from collections.abc import Awaitable, Callable, Sequence


def percentile(samples: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (``fraction`` in 0..1) of a non-empty sample."""
    ordered = sorted(samples)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def summary_ms(samples: Sequence[float]) -> dict[str, float]:
    """Median, p95, p99 and max of samples taken in seconds, in milliseconds."""
    return {
        "median": statistics.median(samples) * 1000,
        "p95": percentile(samples, 0.95) * 1000,
        "p99": percentile(samples, 0.99) * 1000,
        "max": max(samples) * 1000,
    }


def verdict(value: float, target: float | None) -> str:
    """``ok`` or ``MISS`` against an upper bound; ``-`` for a baseline without a target."""
    if target is None:
        return "-"
    return "ok" if value <= target else "MISS"


def print_table(title: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print ``rows`` under ``header`` as an aligned table; floats get two decimals."""
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(header)]
    print(f"\n{title}")
    print(_line(header, widths))
    print("  ".join("-" * w for w in widths))
    for row in cells:
        print(_line(row, widths))


def _line(values: Sequence[str], widths: Sequence[int]) -> str:
    """First column left-aligned (labels), the rest right-aligned (figures)."""
    padded = [
        v.ljust(w) if i == 0 else v.rjust(w) for i, (v, w) in enumerate(zip(values, widths, strict=True))
    ]
    return "  ".join(padded)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.2f}" if value < 1000 else f"{value:.0f}"
    return str(value)


def run_on_million(
    main: Callable[[str, int, int], Awaitable[None]], description: str, default_db: str
) -> None:
    """The command line of a benchmark over a big database made once: ``--db`` (kept between runs),
    ``--rows``, ``--runs``, or ``--throwaway-postgres`` (a cluster started and destroyed here)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--db", default=default_db)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--throwaway-postgres", action="store_true")
    options = parser.parse_args()
    if not options.throwaway_postgres:
        asyncio.run(main(options.db, options.rows, options.runs))
        return
    from tests.pg_cluster import PostgresCluster

    cluster = PostgresCluster()
    cluster.start()
    try:
        asyncio.run(main(cluster.create_database(), options.rows, options.runs))
    finally:
        cluster.destroy()
