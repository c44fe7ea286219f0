"""A time typed in the window outside 2000-2100 is refused beside the field, in the core's words,
and never overflows (issue #14, item 8: year 1 or 9999)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from controlroom.core.errors import ValidationError
from ui.dispersal.form_parts import UkTimeField

NOW = datetime(2026, 11, 27, 23, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    "typed", ["9999-12-31 23:00", "9999-12-31 23:30-01:00", "0001-01-01 00:00", "2101-01-01"]
)
def test_a_year_outside_2000_to_2100_is_refused_beside_the_field(qtbot: Any, typed: str) -> None:
    field = UkTimeField("Given at", NOW, clock=lambda: NOW)
    qtbot.addWidget(field)
    field.edit.setText(typed)
    assert "is outside 2000-01-01 to 2100-12-31" in field.reading.text()
    with pytest.raises(ValidationError, match=r"^Given at: the date .* check the year$"):
        field.moment()


def test_a_time_in_range_reads_back_on_the_uk_clock(qtbot: Any) -> None:
    field = UkTimeField("Given at", NOW, clock=lambda: NOW)
    qtbot.addWidget(field)
    field.edit.setText("2026-11-27 22:15")
    assert field.reading.text() == "Fri 27 Nov 22:15 GMT"
    assert field.moment() == datetime(2026, 11, 27, 22, 15, tzinfo=UTC)
    field.edit.setText("2026-11-2")  # still being typed
    assert field.reading.text() == "not a UK time yet"
