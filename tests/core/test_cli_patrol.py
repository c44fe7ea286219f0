"""``controlroom unit|flag|recommend|dispatch`` as a dispatcher runs them."""

from __future__ import annotations

import json

import pytest

from tests.core.support import row_counts, run_with_db
from tests.core.test_cli import cli


@pytest.fixture
def night(db_url: str) -> tuple[str, str]:
    assert cli(db_url, "demo").returncode == 0
    done = cli(
        db_url,
        "report",
        "--at",
        "50.9113,-1.4089",
        "--place",
        "Bedford Place",
        "--category",
        "assault",
        "--source",
        "cctv",
        "--summary",
        "Fight outside",
        "--grade",
        "1",
    )
    return db_url, done.stdout.strip()


def test_recommend_ranks_available_suitable_units_by_eta(night: tuple[str, str]) -> None:
    url, ref = night
    ranked = json.loads(cli(url, "recommend", ref, "--json").stdout)
    callsigns = [r["callsign"] for r in ranked]
    assert ranked and [r["eta_minutes"] for r in ranked] == sorted(r["eta_minutes"] for r in ranked)
    assert callsigns[0] == "SN-11"  # on Bedford Place already
    assert not {"SN-14", "SN-16", "SN-23"} & set(callsigns)  # refreshment, busy, off duty
    assert not {"SP-1", "SP-2", "SJ-1", "WO-1"} & set(callsigns)  # partners are not sent to an assault


def test_dispatch_and_unit_updates(night: tuple[str, str]) -> None:
    url, ref = night
    done = cli(url, "dispatch", ref, "--unit", "sn-11", "PC-31")
    assert done.returncode == 0 and done.stdout.strip() == f"{ref}: dispatched SN-11, PC-31"
    units = {u["callsign"]: u for u in json.loads(cli(url, "unit", "list", "--json").stdout)}
    assert units["SN-11"]["status"] == "en_route" and units["SN-11"]["task"] == ref
    assert cli(url, "unit", "update", "SN-11", "--status", "on_scene").returncode == 0
    shown = json.loads(cli(url, "incident", "show", ref, "--json").stdout)
    assert shown["incident"]["status"] == "on_scene"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["dispatch", "{ref}", "--unit", "SN-99"], "unknown unit 'SN-99'"),
        (["dispatch", "{ref}", "--unit", "SN-23"], "SN-23 is off duty"),
        (["dispatch", "SOT-19990101-0001", "--unit", "SN-11"], "no incident with reference"),
        (["unit", "update", "SN-11", "--status", "napping"], "choose one of: available, en_route"),
        (
            ["unit", "add", "SN-50", "--kind", "police_foot", "--at", "51.5,-0.12"],
            "outside the operating area",
        ),
        (
            ["flag", "--venue", "Velvet Fox", "--behaviour", "staring", "--reason", "x"],
            "choose one of: loitering",
        ),
    ],
)
def test_bad_patrol_input_exits_2_and_writes_nothing(
    night: tuple[str, str], args: list[str], message: str
) -> None:
    url, ref = night
    before = run_with_db(url, row_counts)
    done = cli(url, *[a.replace("{ref}", ref) for a in args])
    assert done.returncode == 2 and message in done.stderr
    assert run_with_db(url, row_counts) == before


def test_flag_a_venue(night: tuple[str, str]) -> None:
    url, _ = night
    done = cli(
        url,
        "flag",
        "--venue",
        "pixel lounge",
        "--behaviour",
        "plying_with_drink",
        "--reason",
        "Man buying shots for a very drunk woman",
        "--expires-in",
        "90",
    )
    assert done.returncode == 0 and done.stdout.startswith("flag 1: Pixel Lounge until ")
