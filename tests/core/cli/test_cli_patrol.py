"""``controlroom unit|flag|flags|recommend|dispatch|responses`` as a dispatcher runs them."""

from __future__ import annotations

import json
import re

import pytest

from tests.core.cli.test_cli import cli
from tests.core.support import row_counts, run_with_db


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


@pytest.fixture
def flagged(night: tuple[str, str]) -> tuple[str, str]:
    url, ref = night
    done = cli(
        url,
        "flag",
        "--venue",
        "Pixel Lounge",
        "--behaviour",
        "isolating",
        "--reason",
        "Man steering a drunk woman away from her friends",
    )
    assert done.returncode == 0 and done.stdout.startswith("flag 1: ")
    return url, ref


def test_send_units_to_a_flag_then_turn_it_into_an_incident(flagged: tuple[str, str]) -> None:
    url, _ = flagged
    sent = cli(url, "dispatch", "--flag", "1", "--unit", "pc-31", "SN-12")
    assert sent.returncode == 0 and sent.stdout.strip() == "flag 1: dispatched PC-31, SN-12"
    assert cli(url, "unit", "update", "PC-31", "--status", "on_scene").returncode == 0
    [listed] = json.loads(cli(url, "flags", "--json").stdout)
    assert (listed["id"], listed["place"], listed["behaviour"]) == (1, "Pixel Lounge", "isolating")
    assert listed["units"] == [
        {"callsign": "PC-31", "status": "on_scene"},
        {"callsign": "SN-12", "status": "en_route"},
    ]
    text = cli(url, "flags").stdout
    assert "Pixel Lounge" in text and "PC-31 (on scene), SN-12 (en route)" in text
    assert "Man steering a drunk woman away from her friends" in text

    converted = cli(url, "flags", "convert", "1", "--category", "predatory_behaviour", "--grade", "2")
    assert converted.returncode == 0, converted.stderr
    ref = converted.stdout.strip()
    assert re.fullmatch(r"SOT-\d{8}-\d{4}", ref)
    shown = json.loads(cli(url, "incident", "show", ref, "--json").stdout)
    assert (shown["incident"]["status"], shown["incident"]["grade"]) == ("on_scene", 2)
    assert any(e["text"].startswith("from flag 1 at Pixel Lounge") for e in shown["timeline"])
    units = {u["callsign"]: u for u in json.loads(cli(url, "unit", "list", "--json").stdout)}
    assert units["PC-31"]["task"] == ref and units["SN-12"]["task"] == ref
    assert cli(url, "flags").stdout.strip() == "no active flags"


def test_clear_a_flag(flagged: tuple[str, str]) -> None:
    url, _ = flagged
    done = cli(url, "flags", "clear", "1")
    assert done.returncode == 0 and done.stdout.strip() == "flag 1 cleared"
    assert json.loads(cli(url, "flags", "--json").stdout) == []


def test_typed_text_is_printed_not_obeyed(night: tuple[str, str]) -> None:
    url, _ = night
    reason = "red \x1b[31mALERT\x1b[0m {place} %s\nsecond line"
    done = cli(url, "flag", "--at", "50.9060,-1.4044", "--behaviour", "leering", "--reason", reason)
    assert done.returncode == 0, done.stderr
    text = cli(url, "flags").stdout
    assert "\x1b" not in text
    assert "red \\x1b[31mALERT\\x1b[0m {place} %s second line" in text
    assert json.loads(cli(url, "flags", "--json").stdout)[0]["reason"] == reason


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["dispatch", "{ref}", "--flag", "1", "--unit", "SN-11"], "an incident REF or --flag ID, not both"),
        (["dispatch", "--unit", "SN-11"], "an incident REF or --flag ID, not both"),
        (["dispatch", "--flag", "99", "--unit", "SN-11"], "no flag number 99"),
        (["dispatch", "--flag", "1", "--unit", "SN-16"], "only an available unit can be sent to a flag"),
        (["dispatch", "--flag", "1", "--unit", "SN-23"], "SN-23 is off duty"),
        (["flags", "convert", "99", "--category", "harassment"], "no flag number 99"),
        (["flags", "convert", "1", "--category", "fighting"], "unknown category 'fighting'"),
        (["flags", "convert", "1", "--category", "harassment", "--grade", "7"], "grade 7 is not valid"),
        (["flags", "clear", "99"], "no flag number 99"),
        (["responses", "--hours", "0"], "must be more than 0"),
    ],
)
def test_bad_flag_input_exits_2_and_writes_nothing(
    flagged: tuple[str, str], args: list[str], message: str
) -> None:
    url, ref = flagged
    before = run_with_db(url, row_counts)
    done = cli(url, *[a.replace("{ref}", ref) for a in args])
    assert done.returncode == 2 and message in done.stderr, done.stderr
    assert run_with_db(url, row_counts) == before


def test_responses_report_the_night(night: tuple[str, str]) -> None:
    url, ref = night
    assert cli(url, "dispatch", ref, "--unit", "SN-11").returncode == 0
    assert cli(url, "unit", "update", "SN-11", "--status", "on_scene").returncode == 0
    report = json.loads(cli(url, "responses", "--json").stdout)
    [row] = [r for r in report["incidents"] if r["reference"] == ref]
    assert (row["grade"], row["target_minutes"], row["outcome"]) == (1, 15.0, "met")
    assert row["minutes_to_dispatch"] <= row["minutes_to_arrival"] < 1
    grade_1 = next(g for g in report["grades"] if g["grade"] == 1)
    assert grade_1["attended"] >= 1 and grade_1["within_target"] is not None
    text = cli(url, "responses", "--hours", "2").stdout
    assert text.startswith("Response times, last 2 hours: ")
    line = next(line for line in text.splitlines() if line.startswith(ref))
    assert line.split()[1] == "G1" and line.endswith("met")
    assert "G1 Emergency" in text
