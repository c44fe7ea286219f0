"""``controlroom search``: results, JSON, logged exports, and bad input refused with nothing written."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from controlroom.audit.trail import AuditFilter, entries
from controlroom.storage.database import Database
from tests.core.cli.test_cli import cli
from tests.core.support import row_counts, run_with_db


async def _exports(db: Database) -> list[dict[str, object]]:
    return [
        row.detail
        async for row in entries(db, AuditFilter(entity="incident"))
        if row.action == "search.export"
    ]


def test_search_prints_exports_with_a_log_and_refuses_bad_input(db_url: str, tmp_path: Path) -> None:
    assert cli(db_url, "demo").returncode == 0
    reported = cli(
        db_url, "report", "--venue", "Velvet Fox", "--category", "assault", "--source", "cctv",
        "--summary", "=HYPERLINK(\"x\") glass thrown at the doorman", "--grade", "2",
    )  # fmt: skip
    reference = reported.stdout.strip()
    found = json.loads(cli(db_url, "search", "glass doorm", "--venue", "velvet fox", "--json").stdout)
    assert [hit["reference"] for hit in found] == [reference]
    assert "glass thrown" in found[0]["snippet"]

    table, points = tmp_path / "found.csv", tmp_path / "found.geojson"
    done = cli(db_url, "search", "glass", "--grade", "2", "--csv", str(table), "--geojson", str(points))
    assert done.returncode == 0, done.stderr
    rows = list(csv.reader(table.open(encoding="utf-8")))
    assert rows[0][0] == "reference" and rows[1][0] == reference
    assert rows[1][-1].startswith("'=HYPERLINK")  # a spreadsheet shows it as text
    feature = json.loads(points.read_text(encoding="utf-8"))["features"][0]
    assert feature["properties"]["reference"] == reference and len(feature["geometry"]["coordinates"]) == 2
    logged = run_with_db(db_url, _exports)
    assert [(e["file"], e["count"], e["text"], e["filters"]) for e in logged] == [
        ("found.csv", 1, "glass", {"grade": 2}),
        ("found.geojson", 1, "glass", {"grade": 2}),
    ]

    before = run_with_db(db_url, row_counts)
    stray = tmp_path / "stray.csv"
    # Each filter's refusals are the core's (test_search); here: that they exit 2 with nothing written.
    for args, words in (
        (["   "], "no words to look for"),
        (["glass", "--from", "2026-11-20", "--to", "2026-11-01"], "is after the end"),
        (["glass", "--venue", "Velvet Fax"], "did you mean 'Velvet Fox'"),
        (["glass", "--csv", str(tmp_path / "nowhere" / "x.csv")], "does not exist"),
        (["glass", "--night", "2026-11-27", "--from", "2026-11-27"], "not both"),
    ):
        refused = (
            cli(db_url, "search", *args, "--csv", str(stray))
            if "--csv" not in args
            else cli(db_url, "search", *args)
        )
        assert refused.returncode == 2, (args, refused.stderr)
        assert words in refused.stderr, (args, refused.stderr)
    assert not stray.exists()
    assert run_with_db(db_url, row_counts) == before
    assert len(run_with_db(db_url, _exports)) == 2
