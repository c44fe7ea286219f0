"""User names are matched whole: a trailing newline or space is not a second "op1" (#14 item 6)."""

from __future__ import annotations

import pytest

from controlroom.core.errors import ValidationError
from controlroom.users.accounts import check_name


@pytest.mark.parametrize("name", ["op1\n", "op1\r\n", "op1 ", "\nop1", "op1\x00", "OP1", "o"])
def test_a_name_with_anything_around_it_is_refused(name: str) -> None:
    with pytest.raises(ValidationError, match="not a usable user name"):
        check_name(name)


@pytest.mark.parametrize("name", ["op1", "jsmith", "pastors_team2"])
def test_plain_names_are_accepted(name: str) -> None:
    assert check_name(name) == name
