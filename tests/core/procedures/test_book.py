"""The procedures file: the shipped defaults, and a bad file named with its line and set aside."""

from __future__ import annotations

from pathlib import Path

import pytest

from controlroom.config import config_dir
from controlroom.core.domain import Category, Source
from controlroom.procedures.book import (
    DEFAULT_FILE,
    ProcedureFileError,
    load_book,
    procedures_path,
    read_book,
)

GOOD = """\
force = "Test Constabulary"
version = "T1"
guidance = ["a test"]

[[procedure]]
key = "spiking"
title = "Suspected spiking"
categories = ["suspected_spiking"]

[[procedure.step]]
text = "Send St John"
who = "operator"
within_minutes = 5

[[procedure.step]]
text = "Establish the age"
who = "operator"
question = "Under 18?"
if_yes = [
  { text = "Contact a parent", who = "operator", within_minutes = 30 },
  { text = "Take home", who = "supervisor" },
]
if_no = [
  { text = "Taxi home", who = "operator" },
]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "procedures.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_shipped_file_loads_and_covers_the_six_kinds() -> None:
    book = read_book(DEFAULT_FILE)

    assert book.warning is None and book.version and book.guidance
    for category in ("suspected_spiking", "vulnerable_person", "sexual_offence"):
        assert book.procedure_for(category, "cctv") is not None

    def key(category: str, source: str) -> str | None:
        procedure = book.procedure_for(category, source)
        return procedure.key if procedure is not None else None

    assert key("predatory_behaviour", "cctv") == "predatory_behaviour"
    assert key("dispersal_breach", "police_patrol") == "dispersal_breach"
    assert key("harassment", "ask_for_angela") == "ask_for_angela"
    # First match wins: a spiking reported through an Angela activation gets the spiking steps.
    assert key("suspected_spiking", "ask_for_angela") == "suspected_spiking"
    assert book.procedure_for("disorder", "cctv") is None
    for procedure in book.procedures:
        assert procedure.guidance, f"{procedure.key} names no guidance"
        frozen = procedure.frozen_steps()
        assert any(s["within_minutes"] for s in frozen), f"{procedure.key} has no time limit"
        assert len({s["number"] for s in frozen}) == len(frozen)


def test_the_vulnerable_person_procedure_branches_on_age() -> None:
    procedure = read_book(DEFAULT_FILE).procedure_for("vulnerable_person", "street_pastors")
    assert procedure is not None
    frozen = {s["number"]: s for s in procedure.frozen_steps()}
    question = next(s for s in frozen.values() if s["question"])
    under_18 = [s for s in frozen.values() if s["branch_of"] == question["number"] and s["branch"] == "yes"]
    assert "under 18" in question["question"].lower()
    assert any("parent" in s["text"].lower() for s in under_18)
    assert any(s["who"] == "supervisor" for s in under_18)


def test_branch_steps_are_lettered_under_their_question(tmp_path: Path) -> None:
    (procedure,) = read_book(_write(tmp_path, GOOD)).procedures
    numbers = [(s["number"], s["branch_of"], s["branch"]) for s in procedure.frozen_steps()]
    assert numbers == [
        ("1", None, None),
        ("2", None, None),
        ("2a", "2", "yes"),
        ("2b", "2", "yes"),
        ("2c", "2", "no"),
    ]


def test_a_toml_syntax_error_names_the_file_and_line_and_the_defaults_are_used(tmp_path: Path) -> None:
    broken = GOOD.replace("within_minutes = 5\n", 'within_minutes = 5\ntext = "unclosed\n')
    path = _write(tmp_path, broken)

    with pytest.raises(ProcedureFileError) as refused:
        read_book(path)
    assert refused.value.line == 14
    assert str(refused.value).startswith(f"{path}:14: is not valid TOML")

    book = load_book(path)
    assert book.path == DEFAULT_FILE
    assert book.procedure_for("suspected_spiking", "cctv") is not None
    assert book.warning is not None
    assert book.warning.startswith(f"{path}:14: ")
    assert "shipped procedures are in use" in book.warning


@pytest.mark.parametrize(
    ("change", "line", "said"),
    [
        (('who = "supervisor" }', 'who = "sergeant" }'), 21, 'give who = "operator" or "supervisor"'),
        (("within_minutes = 5", "within_minutes = 0"), 13, "whole number of minutes from 1 to 720"),
        (("within_minutes = 5", "within_minutes = 721"), 13, "from 1 to 720"),
        (("within_minutes = 5", "within_minutes = 7.5"), 13, "from 1 to 720"),
        (('categories = ["suspected_spiking"]', 'categories = ["spiked"]'), 8, "unknown category 'spiked'"),
        (('categories = ["suspected_spiking"]', 'sources = ["pigeon"]'), 8, "unknown source 'pigeon'"),
        (('text = "Establish the age"', 'text = "   "'), 16, "text is missing or empty"),
        (('question = "Under 18?"', 'question = "Under 18?"\ncolour = "red"'), 19, "unknown key 'colour'"),
        (('text = "Send St John"\n', ""), 10, "text is missing"),
    ],
)
def test_a_schema_error_names_the_line_and_what_would_be_right(
    tmp_path: Path, change: tuple[str, str], line: int, said: str
) -> None:
    old, new = change
    assert old in GOOD
    path = _write(tmp_path, GOOD.replace(old, new, 1))

    with pytest.raises(ProcedureFileError) as refused:
        read_book(path)
    assert refused.value.line == line, str(refused.value)
    assert str(refused.value).startswith(f"{path}:{line}: ")
    assert said in str(refused.value)


def test_a_duplicate_procedure_key_is_refused_on_its_line(tmp_path: Path) -> None:
    second = GOOD[GOOD.index("[[procedure]]") :].split("[[procedure.step]]")[0] + (
        '[[procedure.step]]\ntext = "Again"\nwho = "operator"\n'
    )
    path = _write(tmp_path, GOOD + "\n" + second)
    line = (GOOD + "\n" + second).splitlines().index('key = "spiking"', 10) + 1

    with pytest.raises(ProcedureFileError, match="used twice") as refused:
        read_book(path)
    assert refused.value.line == line


def test_the_config_directory_file_is_used_when_present() -> None:
    assert procedures_path() == config_dir() / "procedures.toml"
    assert load_book().path == DEFAULT_FILE  # none there yet
    procedures_path().parent.mkdir(parents=True, exist_ok=True)
    procedures_path().write_text(GOOD, encoding="utf-8")

    book = load_book()
    assert (book.path, book.force, book.version, book.warning) == (
        procedures_path(),
        "Test Constabulary",
        "T1",
        None,
    )


def test_every_category_and_source_named_in_a_file_is_a_real_one() -> None:
    covered = read_book(DEFAULT_FILE).kinds_covered()
    assert covered <= set(Category.choices()) | set(Source.choices())


def test_a_file_that_is_not_utf8_is_named_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "procedures.toml"
    path.write_bytes(GOOD.replace("Send St John", "Send St John \xa0").encode("latin-1"))

    book = load_book(path)
    assert book.path == DEFAULT_FILE and book.warning is not None
    assert book.warning.startswith(f"{path}:11: is not UTF-8 text (byte 0xa0)")
