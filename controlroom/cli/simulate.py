"""``controlroom demo`` and ``simulate``: the demo city centre, and a Friday night through the commands.

Both write across features (venues, units, zones, incidents, dispatch), so each
declares every role action it uses: a role that lacks one is refused before the
first write, rather than half-way through the night. ``demo`` marks the database
it fills as a training database; ``simulate`` writes only into one (``sim.training``).
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import UTC, datetime

from controlroom.cli.registry import Command
from controlroom.cli.session import Session, in_session


async def _demo(session: Session, args: argparse.Namespace) -> int:
    from controlroom.sim.demo import load_demo
    from controlroom.sim.training import mark_training

    now = datetime.now(UTC)
    training = await mark_training(session.db, session.actor, now)
    venues, incidents = await load_demo(session.commands, now=now)
    print(f"demo data ready: {venues} venues, {incidents} new incidents")
    if not training:
        print(
            "this database already held incidents of its own, so it was not marked as a training "
            "database: `simulate` will refuse it (load the demo into a new database for training)",
            file=sys.stderr,
        )
    if not session.actor.may("direction.give"):
        print(
            "the demo's persons of concern and s.35 direction are personal data: run `controlroom demo` "
            "again logged in as a supervisor to load them",
            file=sys.stderr,
        )
    return 0


def _simulate_arguments(simulate_parser: argparse.ArgumentParser) -> None:
    simulate_parser.add_argument(
        "--speed", type=_positive, default=60.0, metavar="X", help="simulated seconds per real second (60)"
    )
    simulate_parser.add_argument(
        "--duration",
        type=_duration,
        default=7.0,
        metavar="D",
        help="simulated length: 7h (default), 90m, 2.5h",
    )
    simulate_parser.add_argument(
        "--consoles", type=_consoles, default=2, metavar="N", help="operators writing (2)"
    )
    simulate_parser.add_argument("--seed", type=int, default=1, metavar="S", help="the night to plan (1)")
    simulate_parser.add_argument(
        "--scale", type=_positive, default=1.0, metavar="K", help="multiply arrivals, for load tests (1)"
    )


async def _simulate(session: Session, args: argparse.Namespace) -> int:
    from controlroom.sim.simulator import SimulationConfig, simulate

    config = SimulationConfig(
        speed=args.speed,
        duration_hours=args.duration,
        consoles=args.consoles,
        seed=args.seed,
        scale=args.scale,
    )
    await simulate(session.db, config, session.actor, sys.stdout)
    return 0


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number; write e.g. 60") from None
    if not 0 < value <= 100_000:
        raise argparse.ArgumentTypeError(f"{text!r} must be above 0 and at most 100000")
    return value


def _duration(text: str) -> float:
    """Simulated hours from ``7h``, ``90m``, ``2.5h`` or a bare number of hours."""
    found = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([hm]?)\s*", text.lower())
    if not found:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration; write e.g. 7h or 90m")
    value = float(found.group(1)) / (60 if found.group(2) == "m" else 1)
    if not 0 < value <= 12:
        raise argparse.ArgumentTypeError(f"{text!r} must be more than 0 and at most 12 hours (one night)")
    return value


def _consoles(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 64:
        raise argparse.ArgumentTypeError(f"{text!r} must be a whole number of consoles, 1 to 64")
    return int(text)


COMMANDS = (
    Command(
        "demo",
        "load the Southampton demo venues and an evening of incidents",
        in_session(_demo),
        # Its persons of concern and direction (personal data) only for a user who may give one.
        ("venue.create", "unit.add", "zone.authorise", "incident.report"),
    ),
    # Training only: a supervisor, on a database `demo` marked for training. Every write
    # is the logged-in user's, with the simulated operator named in its audit detail.
    Command(
        "simulate",
        "write a realistic Friday night (22:00 onwards) into a training database; prints a summary",
        in_session(_simulate),
        (
            "training.simulate",
            "venue.create",
            "venue.safe_space",
            "unit.add",
            "unit.update",
            "incident.report",
            "incident.update",
            "incident.dispatch",
            "flag.add",
        ),
        _simulate_arguments,
        description="Only into a training database (one `controlroom demo` filled) and only by a "
        "supervisor; the writes are audited as that user, naming the simulated operator. "
        "Arrivals rise from 22:00 to a peak around 01:00-02:00 and tail off by 05:00; "
        "incidents are acknowledged, dispatched, attended and resolved; safe spaces open and fill; "
        "units move. Times written are real: the simulated hour sets the rhythm only.",
    ),
)
