"""A dark theme for a control room at night: low glare, high contrast for what matters.

Every colour the window and the map show is named here and nowhere else: widgets use
these constants, and the map page gets :func:`map_palette` as CSS custom properties
(``--cr-<name>``) that ``resources/map/map.css`` and ``map.js`` read. A test keeps hex and
rgb() literals out of every other ``ui`` module and out of the map's resources.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

WHITE = "#ffffff"

# The window's surfaces and text.
BACKGROUND = "#0d1117"
PANEL = "#161b26"
RAISED = "#1b2230"
BORDER = "#2c3648"
TEXT = "#e6edf3"
MUTED = "#8b98ad"
ACCENT = "#3fa7ff"
SELECTION = "#2f5d8c"
SELECTED_TEXT = WHITE
DEFAULT_BUTTON = "#1f4f7a"
FILTER_ACTIVE = "#132a40"
GOOD = "#30d158"
BAD = "#ff453a"
FORM_ERROR = "#ff6961"
# Empty check boxes must be visible on the dark panels (not just a darker square).
CHECK_EDGE = "#9fb3d1"

# Incident grades (None: ungraded), row states and response-target levels.
GRADE_BACKGROUND = {1: "#e0281f", 2: "#ff9500", 3: "#ffd60a", 4: "#40a9ff", None: "#c7ccd6"}
GRADE_FOREGROUND = {1: WHITE, 2: BACKGROUND, 3: BACKGROUND, 4: BACKGROUND, None: BACKGROUND}
FRESH_ROW = "#12496b"
FLASH_ROW = "#7a1010"
BREACH_BANNER = FLASH_ROW
# A Grade 1 never looks like a Grade 2: its rows flash between two reds of their own
# (never back to plain), and every Grade 1 line in the alert stack (waiting or over
# target) has a red ground and a red bar that pulses while it waits. A Grade 2 row
# flashes amber-brown, no red in it, so its bright phase is never a G1's dark one.
FLASH_ROW_G1 = "#a3142b"
FLASH_ROW_G1_DIM = "#4d0a14"
FLASH_ROW_G2 = "#7a5200"
ALERT_G1 = GRADE_BACKGROUND[1]
ALERT_G1_PULSE = "#ff8a80"
ALERT_G1_LINE = "#3d0b12"
ALERT_G2 = GRADE_BACKGROUND[2]
# "39 min over" on the selected (blue) line: amber there falls below 4.5:1.
ALERT_OVER_SELECTED = "#ffe2a8"
AMBER = "#ff9f0a"
RED = "#ff3b30"
ALERT_BREACH = AMBER  # "39 min over" and the breach bar

# Patrol units by status (the unit board and the map), flags, and the outbox. No unit
# colour is a grade's or a safe space's (busy is not G1 red, available not "open" green);
# on the map a unit's shape (shield or hexagon) is the first cue, its colour the second.
UNIT_STATUS = {
    "available": "#5ce1e6",
    "en_route": "#ff79e1",
    "on_scene": "#b08cff",
    "busy": "#f5f5f7",
    "refreshment": "#8796ab",
    "off_duty": "#9a9aa0",
}
FLAG_EXPIRING = AMBER
FLAG_MARKER = "#ff375f"
OUTBOX_CONFLICT = "#ffb340"

# Safe spaces by status.
SAFE_SPACE_STATUS = {"open": GOOD, "full": AMBER, "closed": "#8e8e93"}

# Banners and overlays that must stand out from the theme around them.
OPEN_MODE_BANNER = "#5a3b00"
OUTAGE_BACKGROUND = "#f0a30a"
OUTAGE_ATTENTION = "#d0730a"
OUTAGE_EDGE = "#ffd27a"
OUTAGE_TEXT = "#111111"
LOCK_BACKGROUND = "#05080d"

# The map: streets, venues, incident markers, s.34 zones and the zone being drawn.
MAP_BORDER = "#3a4660"
MAP_STREET = "#56657d"
MAP_STREET_LABEL = "#c9d4e5"
MAP_PARK_EDGE = "#1f4d36"
MAP_PARK_FILL = "#173d2b"
MAP_PARK_LABEL = "#5fbf8a"
MAP_VENUE_EDGE = "#9fb3d1"
MAP_VENUE_FILL = "#2b3a55"
MAP_MARKER_OUTLINE = "#0b0f16"
ZONE = "#bf5af2"
# Alerting incidents: a Grade 1's ring is solid white, wide and fast; a Grade 2's dashed amber.
MAP_ALERT_G1 = WHITE
MAP_ALERT_G2 = "#ffcf70"
# The point the operator picked for a report: a pin nothing else on the map looks like.
MAP_PIN = WHITE
MAP_PIN_EDGE = "#0a84ff"
ZONE_LABEL_TEXT = "#e9d5ff"
ZONE_LABEL_BACKGROUND = "#1e0c28"
DRAWING = GRADE_BACKGROUND[3]
# Cameras: sand, a colour no grade, unit or safe space uses, drawn faint so cones never drown
# the incidents; a camera out of order in grey; a tasked camera's view and tie to its incident
# white; street no working camera sees red (dashed on the map).
MAP_CAMERA = "#d9c48f"
MAP_CAMERA_OFF = "#7c7c84"
MAP_CAMERA_TASKED = WHITE
MAP_COVERAGE_GAP = RED
# A report's hotspots (kernel density): pink, apart from the grades, flags and zones.
MAP_HOTSPOT = "#ff5ec4"


def rgba(colour: str, alpha: float) -> str:
    """``#rrggbb`` at ``alpha`` as a CSS ``rgba()`` (the map's translucent overlays)."""
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({red}, {green}, {blue}, {alpha})"


def map_palette() -> dict[str, str]:
    """The map page's colours by name; the page declares each as ``--cr-<name>``."""
    palette = {
        "background": BACKGROUND,
        "text": TEXT,
        "muted": MUTED,
        "raised": RAISED,
        "border": MAP_BORDER,
        "white": WHITE,
        "legend": rgba(PANEL, 0.92),
        "scale": rgba(PANEL, 0.8),
        "attribution": rgba(PANEL, 0.7),
        "safe-halo": rgba(WHITE, 0.6),
        "marker-outline": MAP_MARKER_OUTLINE,
        "street": MAP_STREET,
        "street-label": MAP_STREET_LABEL,
        "park-edge": MAP_PARK_EDGE,
        "park-fill": MAP_PARK_FILL,
        "park-label": MAP_PARK_LABEL,
        "venue-edge": MAP_VENUE_EDGE,
        "venue-fill": MAP_VENUE_FILL,
        "flag": FLAG_MARKER,
        "zone": ZONE,
        "zone-label": rgba(ZONE_LABEL_BACKGROUND, 0.85),
        "zone-label-text": ZONE_LABEL_TEXT,
        "drawing": DRAWING,
        "alert-g1": MAP_ALERT_G1,
        "alert-g2": MAP_ALERT_G2,
        "pin": MAP_PIN,
        "pin-edge": MAP_PIN_EDGE,
        "label-halo": rgba(BACKGROUND, 0.9),
        # The map pane's focus ring and the selected incident's ring: the window's focus colour.
        "accent": ACCENT,
        "camera": MAP_CAMERA,
        "camera-fill": rgba(MAP_CAMERA, 0.14),
        "camera-preset-fill": rgba(MAP_CAMERA, 0.05),
        "camera-off": MAP_CAMERA_OFF,
        "camera-off-fill": rgba(MAP_CAMERA_OFF, 0.06),
        "camera-tasked": MAP_CAMERA_TASKED,
        "camera-tasked-fill": rgba(MAP_CAMERA_TASKED, 0.22),
        "coverage-gap": MAP_COVERAGE_GAP,
        "hotspot": MAP_HOTSPOT,
    }
    palette.update({f"grade-{g or 'u'}": colour for g, colour in GRADE_BACKGROUND.items()})
    palette.update({f"safe-{status}": colour for status, colour in SAFE_SPACE_STATUS.items()})
    palette.update({f"unit-{status}": colour for status, colour in UNIT_STATUS.items()})
    return palette


def map_palette_css() -> str:
    """A ``:root`` rule declaring :func:`map_palette` as CSS custom properties."""
    lines = "".join(f"  --cr-{name}: {colour};\n" for name, colour in map_palette().items())
    return f":root {{\n{lines}}}\n"


# Font sizes at scale 1.0, read at 2 m on a 24" 1080p screen: the list and panels at 12 pt.
BASE_POINTS = 12.0
TITLE_POINTS = 14.0
SCALE_STEPS = (0.8, 0.9, 1.0, 1.1, 1.25, 1.4, 1.6, 1.8, 2.0)


def stylesheet(scale: float = 1.0) -> str:
    """The window's stylesheet with every font size multiplied by ``scale`` (Ctrl+= / Ctrl+-)."""
    base = round(BASE_POINTS * scale, 1)
    title = round(TITLE_POINTS * scale, 1)
    return f"""
QWidget {{ background: {BACKGROUND}; color: {TEXT}; font-size: {base}pt; }}
QMainWindow::separator, QSplitter::handle {{ background: {BORDER}; width: 4px; height: 4px; }}
QDockWidget {{ color: {MUTED}; font-weight: bold; }}
QDockWidget::title {{ background: {RAISED}; padding: 3px 8px; border-bottom: 1px solid {BORDER}; }}
QTableView, QListView {{
    background: {PANEL}; alternate-background-color: {RAISED}; gridline-color: {BORDER};
    selection-background-color: {SELECTION}; selection-color: {SELECTED_TEXT}; border: 1px solid {BORDER};
}}
QTableView:focus, QListView:focus {{ border: 2px solid {ACCENT}; }}
QHeaderView::section {{
    background: {RAISED}; color: {MUTED}; padding: 4px 6px; border: none;
    border-right: 1px solid {BORDER}; border-bottom: 1px solid {BORDER}; font-weight: bold;
}}
QStatusBar {{ background: {PANEL}; color: {MUTED}; border-top: 1px solid {BORDER}; }}
QLabel#boardTitle {{ font-size: {title}pt; font-weight: bold; padding: 4px 8px; }}
QLabel#boardCounts {{ color: {MUTED}; padding: 4px 8px; }}
QLabel#connection[state="ok"] {{ color: {GOOD}; }}
QLabel#connection[state="lost"] {{ color: {BAD}; font-weight: bold; }}
QPushButton#breachBanner {{
    background: {BREACH_BANNER}; color: {WHITE}; font-weight: bold; border: none; padding: 6px;
    text-align: left;
}}
QLabel#alertCount {{ font-weight: bold; padding: 3px 8px; }}
QLabel#alertCount[alerting="true"] {{ color: {ALERT_G1_PULSE}; }}
QListView#alertList {{ background: {PANEL}; border: 1px solid {BORDER}; }}
QListView#alertList:focus {{ border: 2px solid {ACCENT}; }}
QLabel#detailHeader {{ font-size: {title}pt; font-weight: bold; padding: 4px 0; }}
QLabel#formError {{ color: {FORM_ERROR}; font-weight: bold; }}
QLabel#formHint {{ color: {MUTED}; }}
QLineEdit, QComboBox, QPlainTextEdit, QSpinBox, QDateTimeEdit {{
    background: {RAISED}; border: 1px solid {BORDER}; padding: 3px 5px; border-radius: 3px;
}}
QLineEdit:focus, QComboBox:focus, QPlainTextEdit:focus, QSpinBox:focus, QDateTimeEdit:focus {{
    border: 2px solid {ACCENT};
}}
QPushButton {{ background: {RAISED}; border: 1px solid {BORDER}; padding: 4px 10px; border-radius: 3px; }}
QPushButton:focus, QPushButton:hover {{ border: 2px solid {ACCENT}; }}
QPushButton:default {{ background: {DEFAULT_BUTTON}; }}
QCheckBox:focus, QRadioButton:focus {{ color: {ACCENT}; }}
QCheckBox::indicator, QRadioButton::indicator, QTableView::indicator, QListView::indicator {{
    width: {round(16 * scale)}px; height: {round(16 * scale)}px;
    border: 2px solid {CHECK_EDGE}; background: {PANEL};
}}
QRadioButton::indicator {{ border-radius: {round(9 * scale)}px; }}
QCheckBox::indicator:checked, QRadioButton::indicator:checked,
QTableView::indicator:checked, QListView::indicator:checked {{
    background: {ACCENT}; border-color: {ACCENT};
}}
QCheckBox::indicator:focus, QRadioButton::indicator:focus {{ border-color: {ACCENT}; }}
QGroupBox {{ border: 1px solid {BORDER}; margin-top: 10px; padding-top: 6px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 8px; color: {MUTED}; }}
QListWidget {{ background: {PANEL}; border: 1px solid {BORDER}; }}
QToolTip {{ background: {RAISED}; color: {TEXT}; border: 1px solid {BORDER}; }}
QTabBar::tab {{ background: {PANEL}; color: {MUTED}; padding: 4px 12px; border: 1px solid {BORDER}; }}
QTabBar::tab:selected {{ background: {RAISED}; color: {TEXT}; border-bottom: 2px solid {ACCENT}; }}
QTabBar::tab:focus {{ color: {ACCENT}; }}
QScrollBar:vertical {{ background: {PANEL}; width: 12px; }}
QScrollBar::handle:vertical {{ background: {BORDER}; min-height: 24px; border-radius: 4px; }}
QScrollBar:horizontal {{ background: {PANEL}; height: 12px; }}
QScrollBar::handle:horizontal {{ background: {BORDER}; min-width: 24px; border-radius: 4px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
"""


STYLESHEET = stylesheet()

# Every text colour on every background it is drawn on: each pair meets WCAG AA (4.5:1)
# (tests/ui/common/test_theme.py computes the ratios).
CONTRAST_PAIRS: list[tuple[str, str, str]] = [
    *[("text", TEXT, bg) for bg in (BACKGROUND, PANEL, RAISED, FILTER_ACTIVE, FRESH_ROW, FLASH_ROW)],
    ("selected text", SELECTED_TEXT, SELECTION),
    ("default button", TEXT, DEFAULT_BUTTON),
    *[("muted", MUTED, bg) for bg in (BACKGROUND, PANEL, RAISED, FILTER_ACTIVE)],
    *[("accent", ACCENT, bg) for bg in (BACKGROUND, PANEL, RAISED)],
    *[("good/bad", colour, bg) for colour in (GOOD, BAD, FORM_ERROR) for bg in (BACKGROUND, PANEL, RAISED)],
    *[(f"grade {g}", GRADE_FOREGROUND[g], GRADE_BACKGROUND[g]) for g in GRADE_BACKGROUND],
    *[(f"unit {s}", colour, bg) for s, colour in UNIT_STATUS.items() for bg in (PANEL, RAISED)],
    *[(f"safe space {s}", colour, bg) for s, colour in SAFE_SPACE_STATUS.items() for bg in (PANEL, RAISED)],
    ("flag expiring", FLAG_EXPIRING, PANEL),
    ("outbox conflict", OUTBOX_CONFLICT, PANEL),
    ("set-up banner", WHITE, OPEN_MODE_BANNER),
    ("breach banner", WHITE, BREACH_BANNER),
    *[("alerting row", TEXT, bg) for bg in (FLASH_ROW_G1, FLASH_ROW_G1_DIM, FLASH_ROW_G2)],
    *[("alert line", colour, ALERT_G1_LINE) for colour in (TEXT, MUTED, ALERT_BREACH)],
    ("alert line over", ALERT_BREACH, PANEL),
    ("selected alert line over", ALERT_OVER_SELECTED, SELECTION),
    ("outage banner", OUTAGE_TEXT, OUTAGE_BACKGROUND),
    ("outage attention", OUTAGE_TEXT, OUTAGE_ATTENTION),
    ("lock screen", TEXT, LOCK_BACKGROUND),
    ("map street label", MAP_STREET_LABEL, BACKGROUND),
    ("map park label", MAP_PARK_LABEL, BACKGROUND),
    ("zone label", ZONE_LABEL_TEXT, ZONE_LABEL_BACKGROUND),
]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG 2.x contrast ratio of two ``#rrggbb`` colours (1 to 21)."""

    def luminance(colour: str) -> float:
        channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def apply_dark_theme(app: QApplication, scale: float = 1.0) -> None:
    """Fusion style with a dark palette and the control-room stylesheet at ``scale``."""
    app.setStyle("Fusion")
    palette = QPalette()
    for role, colour in (
        (QPalette.ColorRole.Window, BACKGROUND),
        (QPalette.ColorRole.WindowText, TEXT),
        (QPalette.ColorRole.Base, PANEL),
        (QPalette.ColorRole.AlternateBase, RAISED),
        (QPalette.ColorRole.Text, TEXT),
        (QPalette.ColorRole.Button, RAISED),
        (QPalette.ColorRole.ButtonText, TEXT),
        (QPalette.ColorRole.Highlight, SELECTION),
        (QPalette.ColorRole.HighlightedText, SELECTED_TEXT),
        (QPalette.ColorRole.ToolTipBase, RAISED),
        (QPalette.ColorRole.ToolTipText, TEXT),
    ):
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)
    app.setStyleSheet(stylesheet(scale))
