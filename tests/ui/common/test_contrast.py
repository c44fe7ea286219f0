"""Every text colour the theme draws meets WCAG AA (4.5:1) on every background it is drawn on."""

from __future__ import annotations

import pytest

from ui.common import theme


def test_the_contrast_formula_matches_known_values() -> None:
    assert theme.contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert theme.contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert theme.contrast_ratio("#ffffff", "#ffffff") == pytest.approx(1.0)


@pytest.mark.parametrize(("name", "foreground", "background"), theme.CONTRAST_PAIRS)
def test_text_on_its_background_meets_wcag_aa(name: str, foreground: str, background: str) -> None:
    ratio = theme.contrast_ratio(foreground, background)
    assert ratio >= 4.5, f"{name}: {foreground} on {background} is {ratio:.2f}:1, below 4.5:1"


def test_every_text_colour_of_the_stylesheet_is_checked() -> None:
    """Text colours used in the stylesheet appear in at least one checked pair."""
    checked = {fg for _, fg, _ in theme.CONTRAST_PAIRS}
    for colour in (theme.TEXT, theme.MUTED, theme.ACCENT, theme.FORM_ERROR, theme.GOOD, theme.BAD):
        assert colour in checked


def test_check_boxes_have_a_visible_edge_on_the_dark_panels() -> None:
    # An empty box is only its edge: it must stand out from the panel (3:1, WCAG non-text).
    assert theme.contrast_ratio(theme.CHECK_EDGE, theme.PANEL) >= 3.0
    assert theme.contrast_ratio(theme.ACCENT, theme.PANEL) >= 3.0
    assert "QCheckBox::indicator" in theme.stylesheet()


def test_the_scale_multiplies_every_font_size() -> None:
    assert f"font-size: {theme.BASE_POINTS}pt" in theme.stylesheet(1.0)
    assert f"font-size: {theme.BASE_POINTS * 1.25}pt" in theme.stylesheet(1.25)
