"""``report --venue-link``, ``incident update --venue-link`` and ``incident show`` as a user runs them."""

from __future__ import annotations

import json

from tests.core.cli.test_cli import cli, counts
from tests.core.support import add_venue, commands_for, run_with_db

REPORT = ("report", "--category", "disorder", "--source", "cctv", "--summary", "Fight")


def test_the_link_is_reported_changed_shown_and_bad_links_exit_2(db_url: str) -> None:
    run_with_db(db_url, lambda db: add_venue(commands_for(db)))
    made = cli(db_url, *REPORT, "--venue", "Velvet Fox", "--venue-link", "inside")
    assert made.returncode == 0, made.stderr
    ref = made.stdout.strip()
    before = counts(db_url)
    unknown = cli(db_url, *REPORT, "--venue", "Velvet Fox", "--venue-link", "car park")
    assert unknown.returncode == 2
    assert "choose one of: at_venue, inside, door_queue, nearby, venue_reported" in unknown.stderr
    no_venue = cli(db_url, *REPORT, "--at", "50.9060,-1.4044", "--place", "East St", "--venue-link", "nearby")
    assert no_venue.returncode == 2 and "no venue was given, so it has no link to one" in no_venue.stderr
    assert counts(db_url) == before
    changed = cli(db_url, "incident", "update", ref, "--venue-link", "door_queue")
    assert changed.returncode == 0, changed.stderr
    assert changed.stdout.strip() == f"{ref} version 2: new, Ungraded, link to venue: at the door/queue"
    text = cli(db_url, "incident", "show", ref).stdout
    assert "  link       at the door/queue" in text
    assert "Link to venue: at the door/queue (was inside)" in text
    shown = json.loads(cli(db_url, "incident", "show", ref, "--json").stdout)
    assert shown["incident"]["venue_link"] == "door_queue"
