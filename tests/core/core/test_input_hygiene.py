"""Input hygiene in one place (issue #14, items 7 and 8): look-alike identifiers, invisible
text, unbounded hours and dates are refused by the core with a sentence, before anything
is written; ``inert`` shows typed text in the order it was typed, obeying nothing.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from controlroom.cli.terminal import shown
from controlroom.core.errors import ValidationError
from controlroom.core.validation import BIDI_CONTROLS, bounded_date, bounded_hours, inert, needs_neutralising
from controlroom.dispersal.directions import DirectionVariation
from controlroom.dispersal.persons import NewSubject
from controlroom.incidents.reporting import NewIncident
from controlroom.paperwork.printable import printable
from controlroom.storage.database import Database
from controlroom.storage.models import Unit
from controlroom.users.accounts import check_name
from tests.core.dispersal.test_dispersal import NOW, direction_spec, table_counts, zone_spec
from tests.core.support import commands_for, run_with_db

CYRILLIC_ES = "\u0421"  # looks exactly like the Latin capital C
ZERO_WIDTH_ONLY = ("\u200b", "\u200c\u200d", "\u2060 \ufeff", " \u200b\t\u200b ")


def _refused(db: Database, command: Any) -> Any:
    """Run ``command`` expecting a refusal; return its message and whether any row changed."""

    async def check() -> tuple[str, bool]:
        before = await table_counts(db)
        with pytest.raises(ValidationError) as refused:
            await command
        return str(refused.value), before == await table_counts(db)

    return check()


def test_a_cyrillic_callsign_cannot_stand_beside_the_latin_one(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, tuple[str, bool], list[str]]:
        commands = commands_for(db)
        first = await commands.add_unit("SN-40", "police_foot")
        refused = await _refused(db, commands.add_unit(f"{CYRILLIC_ES}N-40", "police_foot"))
        async with db.read() as conn:
            units = list((await conn.execute(select(Unit.callsign))).scalars())
        return first, refused, units

    first, (message, unchanged), units = run_with_db(db_url, scenario)
    assert first.callsign == "SN-40" and unchanged and units.count("SN-40") == 1 and len(units) == 1
    assert "U+0421 CYRILLIC CAPITAL LETTER ES" in message and "position 1" in message
    assert "Latin letters A-Z" in message


@pytest.mark.parametrize("sign", ["sn-40", " SN-40 ", "PC 31/2"])
def test_latin_callsigns_are_kept_in_capitals(db_url: str, sign: str) -> None:
    async def scenario(db: Database) -> str:
        return (await commands_for(db).add_unit(sign, "police_foot")).callsign

    assert run_with_db(db_url, scenario) == sign.strip().upper()


@pytest.mark.parametrize(
    ("name", "culprit"),
    [("j\u0455mith", "U+0455 CYRILLIC SMALL LETTER DZE"), ("op\u00e9", "U+00E9"), ("op1\n", "U+000A")],
)
def test_a_user_name_outside_ascii_is_refused_naming_the_character(name: str, culprit: str) -> None:
    with pytest.raises(ValidationError, match="not a usable user name") as refused:
        check_name(name)
    assert culprit in str(refused.value) and "a-z" in str(refused.value)


@pytest.mark.parametrize("summary", ZERO_WIDTH_ONLY)
def test_a_summary_of_invisible_characters_is_refused(db_url: str, summary: str) -> None:
    async def scenario(db: Database) -> tuple[str, bool]:
        new = NewIncident(
            category="other", source="cctv", summary=summary, lat=50.9060, lon=-1.4044, place="x"
        )
        return await _refused(db, commands_for(db).report_incident(new))

    message, unchanged = run_with_db(db_url, scenario)
    assert unchanged
    assert "summary" in message and ("shows nothing" in message or "is empty" in message)


def test_a_direction_varied_to_inf_hours_is_refused_citing_the_law(db_url: str) -> None:
    async def scenario(db: Database) -> list[tuple[str, bool]]:
        commands = commands_for(db, now=NOW, role="supervisor")
        await commands.authorise_zone(zone_spec())
        reference = (await commands.give_direction(direction_spec())).direction.reference
        answers = []
        for hours in (float("inf"), float("nan"), 1e10, 48.5):
            variation = DirectionVariation("PC 1 Al Bee", "Back again", hours_from_first_given=hours)
            answers.append(await _refused(db, commands.vary_direction(reference, variation)))
        for hours in (float("inf"), 1e10):
            answers.append(await _refused(db, commands.give_direction(direction_spec(exclusion_hours=hours))))
        return answers

    answers = run_with_db(db_url, scenario)
    assert all(unchanged for _, unchanged in answers)
    assert "not a number of hours" in answers[0][0] and "not a number of hours" in answers[1][0]
    assert "s.35(8) allows no more than 48 hours" in answers[2][0] and "s.35(8)" in answers[3][0]
    assert "not a number of hours" in answers[4][0]
    assert "s.35(4) allows no more than 48 hours" in answers[5][0]


@pytest.mark.parametrize("year", [1, 1999, 2101, 9999])
def test_dates_outside_2000_to_2100_are_refused_before_anything_is_written(db_url: str, year: int) -> None:
    async def scenario(db: Database) -> list[tuple[str, bool]]:
        commands = commands_for(db, now=NOW, role="supervisor")
        start = datetime(year, 12, 31, 21, 0, tzinfo=UTC)
        subject = await commands.add_subject(NewSubject(description="Man in a red cap"))
        return [
            await _refused(db, commands.authorise_zone(zone_spec(starts_at=start, signed_at=start))),
            await _refused(
                db, commands.add_subject(NewSubject(description="x", review_date=date(year, 1, 1)))
            ),
            await _refused(
                db, commands.review_subject(subject.id, reason="MoPI", next_review=date(year, 6, 1))
            ),
        ]

    answers = run_with_db(db_url, scenario)
    assert all(unchanged for _, unchanged in answers)
    assert all("is outside 2000-01-01 to 2100-12-31" in message for message, _ in answers), answers


def test_a_date_of_birth_may_be_last_century_but_not_year_1(db_url: str) -> None:
    async def scenario(db: Database) -> tuple[Any, tuple[str, bool]]:
        commands = commands_for(db, now=NOW, role="supervisor")
        kept = await commands.add_subject(NewSubject(description="Man, 40s", date_of_birth=date(1961, 5, 17)))
        refused = await _refused(
            db, commands.add_subject(NewSubject(description="x", date_of_birth=date(1, 1, 1)))
        )
        return kept, refused

    kept, (message, unchanged) = run_with_db(db_url, scenario)
    assert kept.id > 0 and unchanged and "date of birth" in message and "1900-01-01" in message


@given(st.floats(allow_nan=True, allow_infinity=True))
def test_bounded_hours_keep_only_finite_hours_up_to_the_limit(value: float) -> None:
    if 0 < value <= 48:
        assert bounded_hours(value, "period", 48) == value
    else:
        with pytest.raises(ValidationError):
            bounded_hours(value, "period", 48)


@given(st.dates())
def test_bounded_dates_are_2000_to_2100(day: date) -> None:
    if date(2000, 1, 1) <= day <= date(2100, 12, 31):
        assert bounded_date(day, "day") == day
    else:
        with pytest.raises(ValidationError, match="check the year"):
            bounded_date(day, "day")


def test_typed_order_is_kept_and_nothing_is_obeyed() -> None:
    typed = "abc\u202eevil\u202c after\x1b[2J\x07"
    for shown_text in (inert(typed), shown(typed)):
        assert not any(ch in BIDI_CONTROLS or ch in "\x1b\x07" for ch in shown_text)
        assert shown_text == "abc\\u202eevil\\u202c after\\x1b[2J\\x07"
    # The paperwork spells the same characters its own way; the words stay in order.
    assert printable(typed) == "abc[U+202E]evil[U+202C] after [2J "
    # Lines a multi-line field keeps; accents, other scripts and emoji with joiners are text.
    assert inert("line one\nline two", keep="\n") == "line one\nline two"
    for text in ("Siân Bowen", "Łódź", "Юлия", "\U0001f469\u200d\u2695\ufe0f"):
        assert inert(text) == text


def test_inert_spells_out_exactly_the_characters_that_act_in_the_whole_bmp_and_beyond() -> None:
    # The fast path (one regular expression) must agree with the rule, character by character.
    codes = [*range(0x10000), 0x1F469, 0xE0041, 0xE007F, 0x10FFFF]
    differ = [c for c in codes if (inert(chr(c)) != chr(c)) != needs_neutralising(chr(c))]
    assert differ == []
    assert inert("x\u200b\u202ey") == "x\\u200b\\u202ey" and inert("a\u200db") == "a\u200db"
