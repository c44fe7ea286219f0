"""The night simulator: a Friday night in the city centre, written through the core commands.

Used for training (speed 1: a real night's rhythm) and for load tests (speed 60:
one simulated hour per real minute; ``scale`` multiplies the arrivals). The whole
night is planned first from the seed — arrivals, their categories, sources,
grades and places, and every later step of each incident (acknowledged, units
dispatched, on scene, notes, resolved, closed), partners changing safe-space
status, units moving and taking refreshment, occasional flags — so the same seed
plans the same night. The plan is then played by ``consoles`` writer tasks, one
operator each; every step of one incident belongs to one console, so its steps
happen in order while the consoles race each other like a real control room.

Simulation is training, never live: ``simulate`` refuses a database not marked for
training (``sim.training``) and a user whose role may not run training
(``training.simulate``: a supervisor), before writing anything. Every write is made as
that logged-in user, so the role checks and (on PostgreSQL) the grants apply, and its
audit entry carries the simulated operator (``sim-operator-1`` …) in its detail.

Times written are the real clock's (the commands' own): the simulated hour only
sets the rhythm. Arrivals follow ``ARRIVALS`` (per simulated hour from 22:00),
rising to a peak around 01:00-02:00 and tailing off by 05:00.
"""

from __future__ import annotations

import asyncio
import bisect
import random
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from typing import Any, TextIO

from sqlalchemy import select

from controlroom.commands import Commands
from controlroom.core.errors import ControlroomError, NotPermittedError
from controlroom.core.roles import Actor
from controlroom.incidents.reporting import NewIncident
from controlroom.sim.demo import demo_venues, load_demo_units
from controlroom.sim.training import require_training
from controlroom.storage.database import Database
from controlroom.storage.models import Unit

# (hours after 22:00, incidents per simulated hour) — linear between points.
ARRIVALS = ((0.0, 5.0), (1.0, 9.0), (2.0, 15.0), (3.0, 22.0), (3.5, 24.0), (4.0, 20.0), (5.0, 11.0),
            (6.0, 5.0), (7.0, 1.5), (8.0, 0.5))  # fmt: skip
CATEGORIES = {
    "vulnerable_person": 24, "harassment": 17, "disorder": 15, "predatory_behaviour": 10,
    "suspected_spiking": 8, "assault": 9, "unwanted_sexual_behaviour": 8, "sexual_offence": 2, "other": 7,
}  # fmt: skip
SOURCES = {
    "cctv": 28, "police_patrol": 18, "licensed_premises": 18, "street_pastors": 10, "public": 10,
    "welfare_officer": 6, "st_john": 5, "ask_for_angela": 5,
}  # fmt: skip
GRADES = {1: 8, 2: 27, 3: 45, 4: 10, None: 10}
SUMMARIES = {
    "vulnerable_person": (
        "Young woman alone and very drunk, friends gone",
        "Man slumped in doorway, unresponsive",
    ),
    "harassment": ("Group shouting at women in the queue", "Man pestering customer who asked him to stop"),
    "disorder": ("Scuffle in the taxi queue", "Two groups squaring up outside"),
    "predatory_behaviour": (
        "Man following lone woman between venues",
        "Man steering drunk woman away from friends",
    ),
    "suspected_spiking": ("Customer feels drugged after one drink", "Woman reports a needle-like scratch"),
    "assault": ("Male punched outside takeaway", "Woman pushed over in the street"),
    "unwanted_sexual_behaviour": (
        "Man groping customers on the dance floor",
        "Lewd comments at the bus stop",
    ),
    "sexual_offence": ("Woman reports sexual assault, suspect left on foot",),
    "other": ("Lost phone handed in", "Flip-flops handed out to a group"),
}
BEHAVIOURS = ("loitering", "following", "leering", "isolating", "plying_with_drink", "harassment")
NOTES = ("Unit reports situation calm", "Friends located, taking her home", "Door staff have CCTV",
         "Ambulance not needed", "Male moved on, words of advice")  # fmt: skip
# The centre's streets, roughly: units wander inside this box.
AREA = (50.8965, 50.9165, -1.4130, -1.3910)


@dataclass(frozen=True, slots=True)
class SimulationConfig:
    """How fast, how long (simulated hours), how many operators, which night (seed)."""

    speed: float = 60.0
    duration_hours: float = 7.0
    consoles: int = 2
    seed: int = 1
    scale: float = 1.0
    run_tag: str = ""


@dataclass(frozen=True, slots=True)
class Step:
    """One write in the plan: at ``at`` simulated seconds after 22:00, by console ``console``."""

    at: float
    console: int
    action: str
    args: tuple[Any, ...]


@dataclass(slots=True)
class SimulationSummary:
    """What was written: counts per action, refusals, incidents per hour, how long it took."""

    written: Counter[str] = field(default_factory=Counter)
    refused: Counter[str] = field(default_factory=Counter)
    arrivals_by_hour: Counter[int] = field(default_factory=Counter)
    real_seconds: float = 0.0
    max_lag: float = 0.0

    def lines(self, config: SimulationConfig) -> list[str]:
        total = sum(self.written.values())
        rate = total / self.real_seconds if self.real_seconds else 0.0
        lines = [
            f"simulated {config.duration_hours:g} h from 22:00 at speed {config.speed:g} "
            f"with {config.consoles} console(s), seed {config.seed}: {self.real_seconds:.1f} s real",
            f"writes: {total} ({rate:.1f}/s), behind schedule at most {self.max_lag:.2f} s",
        ]
        lines += [f"  {action:12} {count}" for action, count in sorted(self.written.items())]
        if self.refused:
            refused = ", ".join(f"{a} {n}" for a, n in sorted(self.refused.items()))
            lines.append(f"refused by the commands (as a real console would be): {refused}")
        hours = " ".join(f"{(22 + h) % 24:02d}h:{n}" for h, n in sorted(self.arrivals_by_hour.items()))
        lines.append(f"arrivals by hour: {hours}")
        return lines


def arrival_rate(hours: float) -> float:
    """Incidents per simulated hour, ``hours`` after 22:00."""
    points = [p for p, _ in ARRIVALS]
    if hours >= points[-1]:
        return ARRIVALS[-1][1]
    index = bisect.bisect_right(points, hours) - 1
    (h0, r0), (h1, r1) = ARRIVALS[index], ARRIVALS[index + 1]
    return r0 + (r1 - r0) * (hours - h0) / (h1 - h0)


def _pick(rng: random.Random, weights: dict[Any, int]) -> Any:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def plan_night(
    config: SimulationConfig, venues: list[str], safe_spaces: list[str], callsigns: list[str]
) -> list[Step]:
    """The whole night from the seed, in time order (same seed, same venues: same plan)."""
    rng = random.Random(config.seed)  # noqa: S311 - a simulated night, not a secret
    end = config.duration_hours * 3600
    steps: list[Step] = []
    peak = max(rate for _, rate in ARRIVALS) * config.scale
    t, number = 0.0, 0
    while True:  # non-homogeneous Poisson arrivals by thinning
        t += rng.expovariate(peak / 3600)
        if t >= end:
            break
        if rng.random() * peak > arrival_rate(t / 3600) * config.scale:
            continue
        steps += _incident_steps(rng, t, number, number % config.consoles, venues)
        number += 1
    steps += _partner_steps(rng, end, config, safe_spaces, callsigns, venues)
    return sorted((s for s in steps if s.at < end), key=lambda s: (s.at, s.console))


def _incident_steps(rng: random.Random, t: float, number: int, console: int, venues: list[str]) -> list[Step]:
    category = _pick(rng, CATEGORIES)
    source = _pick(rng, SOURCES)
    grade = _pick(rng, GRADES)
    summary = rng.choice(SUMMARIES[category])
    place: tuple[Any, ...] = (rng.choice(venues),) if rng.random() < 0.75 else _street_point(rng)
    steps = [Step(t, console, "report", (number, category, source, grade, summary, place))]
    t += rng.uniform(30, 240)
    steps.append(Step(t, console, "status", (number, "acknowledged")))
    if rng.random() < 0.1:
        steps.append(Step(t + rng.uniform(20, 120), console, "regrade", (number, rng.choice((1, 2, 3)))))
    if rng.random() < 0.25:  # dealt with by phone, CCTV or the venue: no unit sent
        t += rng.uniform(300, 1200)
    else:
        t += rng.uniform(60, 400)
        steps.append(Step(t, console, "dispatch", (number,)))
        t += rng.uniform(180, 720)
        steps.append(Step(t, console, "on_scene", (number,)))
        if rng.random() < 0.5:
            steps.append(Step(t + rng.uniform(60, 300), console, "note", (number, rng.choice(NOTES))))
        t += rng.uniform(600, 2400)
    steps.append(Step(t, console, "resolve", (number,)))
    if rng.random() < 0.6:
        steps.append(Step(t + rng.uniform(600, 1800), console, "status", (number, "closed")))
    return steps


def _street_point(rng: random.Random) -> tuple[float, float, str]:
    lat = rng.uniform(AREA[0] + 0.002, AREA[1] - 0.002)
    lon = rng.uniform(AREA[2] + 0.002, AREA[3] - 0.002)
    return lat, lon, rng.choice(("Street corner", "Bus stop", "Taxi rank", "Alleyway", "Park path"))


def _partner_steps(
    rng: random.Random,
    end: float,
    config: SimulationConfig,
    safe_spaces: list[str],
    callsigns: list[str],
    venues: list[str],
) -> list[Step]:
    steps: list[Step] = []
    consoles = config.consoles
    t = rng.uniform(300, 900)
    while t < end and safe_spaces:
        hour = t / 3600
        status = "closed" if hour > 6 else ("full" if 2.0 < hour < 4.5 and rng.random() < 0.5 else "open")
        steps.append(Step(t, rng.randrange(consoles), "safe_space", (rng.choice(safe_spaces), status)))
        t += rng.uniform(900, 2400) / max(config.scale, 1.0)
    for callsign in callsigns:
        t = rng.uniform(0, 300)
        while t < end:
            steps.append(Step(t, rng.randrange(consoles), "unit_move", (callsign, *_street_point(rng)[:2])))
            if rng.random() < 0.05:
                steps.append(Step(t + 1, rng.randrange(consoles), "unit_break", (callsign,)))
            t += rng.uniform(240, 600)
    t = rng.uniform(600, 1800)
    while t < end:
        reason = "Seen by CCTV operator; no offence reported yet"
        steps.append(
            Step(t, rng.randrange(consoles), "flag", (rng.choice(BEHAVIOURS), rng.choice(venues), reason))
        )
        t += rng.expovariate(2.0 * config.scale / 3600)
    return steps


class NightPlayer:
    """Plays a plan through ``Commands``: one task per console, shared knowledge of the night.

    Every console writes as ``actor`` (the logged-in user) playing its simulated operator.
    """

    def __init__(self, db: Database, config: SimulationConfig, actor: Actor) -> None:
        self.db = db
        self.config = config
        self.actor = actor
        self.summary = SimulationSummary()
        self.references: dict[int, str] = {}
        self.unit_of: dict[int, str] = {}
        self.busy: set[str] = set()
        self.callsigns: list[str] = []

    async def prepare(self) -> tuple[list[str], list[str], list[str]]:
        """Demo venues and units on duty if missing; returns (venues, safe spaces, callsigns)."""
        setup = Commands(self.db, replace(self.actor, simulating="simulator"))
        specs = demo_venues()
        for spec in specs:
            await setup.upsert_venue(spec)
        await load_demo_units(setup)
        async with self.db.read() as conn:
            rows = (await conn.execute(select(Unit.callsign, Unit.status).order_by(Unit.callsign))).all()
        self.callsigns = [sign for sign, status in rows if status != "off_duty"]
        venues = [s.name for s in specs if s.kind not in ("pastors_base", "transport")]
        return venues, [s.name for s in specs if s.is_safe_space], self.callsigns

    async def play(self, plan: list[Step]) -> SimulationSummary:
        started = time.monotonic()
        per_console: list[list[Step]] = [[] for _ in range(self.config.consoles)]
        for step in plan:
            per_console[step.console].append(step)
        await asyncio.gather(*(self._console(i, steps, started) for i, steps in enumerate(per_console)))
        self.summary.real_seconds = time.monotonic() - started
        return self.summary

    async def _console(self, index: int, steps: list[Step], started: float) -> None:
        commands = Commands(self.db, replace(self.actor, simulating=f"sim-operator-{index + 1}"))
        for step in steps:
            due = started + step.at / self.config.speed
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            else:
                self.summary.max_lag = max(self.summary.max_lag, -wait)
            try:
                done = await self._apply(commands, step)
            except ControlroomError:
                self.summary.refused[step.action] += 1
                continue
            if done:
                self.summary.written[step.action] += 1

    async def _apply(self, commands: Commands, step: Step) -> bool:
        action, args = step.action, step.args
        if action == "report":
            return await self._report(commands, step)
        if action in ("unit_move", "unit_break", "safe_space", "flag"):
            return await self._partner(commands, action, args)
        reference = self.references.get(args[0])
        if reference is None:
            return False  # its report was refused: nothing to move on
        if action == "status":
            await commands.update_incident(reference, status=args[1])
        elif action == "regrade":
            await commands.update_incident(reference, grade=args[1])
        elif action == "note":
            await commands.update_incident(reference, note=args[1])
        elif action == "dispatch":
            await self._dispatch(commands, args[0], reference)
        elif action == "on_scene":
            callsign = self.unit_of.get(args[0])
            if callsign is not None:
                await commands.update_unit(callsign, status="on_scene")
            else:
                await commands.update_incident(reference, status="on_scene")
        elif action == "resolve":
            await commands.update_incident(reference, status="resolved")
            callsign = self.unit_of.pop(args[0], None)
            if callsign is not None:
                self.busy.discard(callsign)
                await commands.update_unit(callsign, status="available")
        return True

    async def _report(self, commands: Commands, step: Step) -> bool:
        number, category, source, grade, summary, place = step.args
        where: dict[str, Any] = {"venue": place[0]} if len(place) == 1 else {
            "lat": place[0], "lon": place[1], "place": place[2]
        }  # fmt: skip
        key = f"sim-{self.config.seed}-{self.config.run_tag}-{number:05d}"
        made = await commands.report_incident(
            NewIncident(
                category=category, source=source, summary=summary, grade=grade, idempotency_key=key, **where
            )
        )
        self.references[number] = made.reference
        self.summary.arrivals_by_hour[int(step.at // 3600)] += 1
        return True

    async def _dispatch(self, commands: Commands, number: int, reference: str) -> None:
        free = [c for c in self.callsigns if c not in self.busy]
        if not free:
            await commands.update_incident(reference, status="dispatched")
            return
        callsign = free[number % len(free)]
        self.busy.add(callsign)
        try:
            await commands.dispatch(reference, [callsign])
        except ControlroomError:
            self.busy.discard(callsign)  # another console's unit, or on a break: no unit this time
            await commands.update_incident(reference, status="dispatched")
            return
        self.unit_of[number] = callsign

    async def _partner(self, commands: Commands, action: str, args: tuple[Any, ...]) -> bool:
        if action == "safe_space":
            await commands.set_safe_space_status(args[0], args[1])
        elif action == "flag":
            await commands.flag_location(
                behaviour=args[0], venue=args[1], reason=args[2], expires_in_minutes=90
            )
        elif args[0] in self.busy:
            return False  # a unit at an incident is not wandering or on a break
        elif action == "unit_move":
            await commands.update_unit(args[0], at=(args[1], args[2]))
        else:
            await commands.update_unit(args[0], status="refreshment")
            await commands.update_unit(args[0], status="available")
        return True


async def simulate(
    db: Database, config: SimulationConfig, actor: Actor, out: TextIO | None = None
) -> SimulationSummary:
    """Plan the night from the seed and play it as ``actor``; prints the summary to ``out`` if given.

    Refuses, with nothing written, a role that may not run training or a database
    that is not a training database.
    """
    if actor.role is None:
        raise NotPermittedError(
            "a simulated night is written as a logged-in supervisor, never in set-up mode: add the "
            "first administrator and a supervisor (`controlroom user add`), then run it with --user"
        )
    actor.require("training.simulate")
    await require_training(db)
    if config.run_tag == "":
        config = SimulationConfig(**{**_fields(config), "run_tag": f"{int(time.time()):x}"})
    player = NightPlayer(db, config, actor)
    venues, safe_spaces, callsigns = await player.prepare()
    plan = plan_night(config, venues, safe_spaces, callsigns)
    summary = await player.play(plan)
    if out is not None:
        for line in summary.lines(config):
            print(line, file=out)
    return summary


def _fields(config: SimulationConfig) -> dict[str, Any]:
    return {name: getattr(config, name) for name in SimulationConfig.__dataclass_fields__}
