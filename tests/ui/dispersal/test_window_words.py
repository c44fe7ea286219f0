"""Core refusals shown in a form name the form's fields, never command-line flags."""

from __future__ import annotations

from ui.common.dialog_parts import in_window_words
from ui.dispersal.dialogs import ZoneDialog
from ui.dispersal.direction_dialog import DirectionDialog
from ui.patrols.flag_dialog import FlagDialog


def test_flags_become_the_fields_of_the_form_showing_them() -> None:
    zone = in_window_words(
        "missing: the log number (--log) the published authorisation quotes; the grounds (--grounds), "
        "s.34(2) and s.34(4)(c); the Art. 10/11 consideration (--rights), s.34(3)",
        ZoneDialog.FIELD_WORDS,
    )
    assert zone == (
        "missing: the log number (“Log number”) the published authorisation quotes; the grounds "
        "(“Grounds”), s.34(2) and s.34(4)(c); the Art. 10/11 consideration "
        "(“Art. 10/11 consideration”), s.34(3)"
    )
    direction = in_window_words(
        "say who: a description of the person (--description) or --subject ID", DirectionDialog.FIELD_WORDS
    )
    assert direction == "say who: a description of the person (“Person”) or “Known person no.”"
    flag = in_window_words(
        "flag either a venue (--venue NAME) or a point (--at LAT,LON)", FlagDialog.FIELD_WORDS
    )
    assert flag == "flag either a venue (“Where”) or a point (“Where”)"


def test_a_flag_without_a_field_becomes_plain_words() -> None:
    message = in_window_words("say where he was seen: one of --incident REF, --flag N or --at LAT,LON", {})
    assert message == "say where he was seen: one of incident, flag or LAT,LON"
    assert "--" not in in_window_words("--hours 0 must be a number of hours above 0", {})
