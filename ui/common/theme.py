"""A dark theme for a control room at night: low glare, high contrast for what matters."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

BACKGROUND = "#0d1117"
PANEL = "#161b26"
RAISED = "#1b2230"
BORDER = "#2c3648"
TEXT = "#e6edf3"
MUTED = "#8b98ad"
ACCENT = "#3fa7ff"

GRADE_BACKGROUND = {1: "#ff3b30", 2: "#ff9500", 3: "#ffd60a", 4: "#40a9ff", None: "#c7ccd6"}
GRADE_FOREGROUND = {1: "#ffffff", 2: "#0d1117", 3: "#0d1117", 4: "#0d1117", None: "#0d1117"}
FRESH_ROW = "#12496b"
FLASH_ROW = "#7a1010"
AMBER = "#ff9f0a"
RED = "#ff3b30"

STYLESHEET = f"""
QWidget {{ background: {BACKGROUND}; color: {TEXT}; font-size: 10.5pt; }}
QMainWindow::separator, QSplitter::handle {{ background: {BORDER}; width: 4px; }}
QTableView {{
    background: {PANEL}; alternate-background-color: {RAISED}; gridline-color: {BORDER};
    selection-background-color: #2f5d8c; selection-color: #ffffff; border: 1px solid {BORDER};
}}
QHeaderView::section {{
    background: {RAISED}; color: {MUTED}; padding: 4px 6px; border: none;
    border-right: 1px solid {BORDER}; border-bottom: 1px solid {BORDER}; font-weight: bold;
}}
QStatusBar {{ background: {PANEL}; color: {MUTED}; border-top: 1px solid {BORDER}; }}
QLabel#boardTitle {{ font-size: 13pt; font-weight: bold; padding: 6px 8px; }}
QLabel#boardCounts {{ color: {MUTED}; padding: 6px 8px; }}
QLabel#connection[state="ok"] {{ color: #30d158; }}
QLabel#connection[state="lost"] {{ color: #ff453a; font-weight: bold; }}
QPushButton#breachBanner {{
    background: #7a1010; color: #ffffff; font-weight: bold; border: none; padding: 6px; text-align: left;
}}
QLabel#detailHeader {{ font-size: 12pt; font-weight: bold; padding: 4px 0; }}
QLabel#formError {{ color: #ff6961; font-weight: bold; }}
QLabel#formHint {{ color: {MUTED}; }}
QLineEdit, QComboBox, QPlainTextEdit {{
    background: {RAISED}; border: 1px solid {BORDER}; padding: 3px 5px; border-radius: 3px;
}}
QLineEdit:focus, QComboBox:focus {{ border: 1px solid {ACCENT}; }}
QPushButton {{ background: {RAISED}; border: 1px solid {BORDER}; padding: 4px 10px; border-radius: 3px; }}
QPushButton:focus, QPushButton:hover {{ border: 1px solid {ACCENT}; }}
QPushButton:default {{ background: #1f4f7a; }}
QGroupBox {{ border: 1px solid {BORDER}; margin-top: 10px; padding-top: 6px; }}
QGroupBox::title {{ subcontrol-origin: margin; left: 8px; color: {MUTED}; }}
QListWidget {{ background: {PANEL}; border: 1px solid {BORDER}; }}
QToolTip {{ background: {RAISED}; color: {TEXT}; border: 1px solid {BORDER}; }}
QScrollBar:vertical {{ background: {PANEL}; width: 12px; }}
QScrollBar::handle:vertical {{ background: {BORDER}; min-height: 24px; border-radius: 4px; }}
QScrollBar:horizontal {{ background: {PANEL}; height: 12px; }}
QScrollBar::handle:horizontal {{ background: {BORDER}; min-width: 24px; border-radius: 4px; }}
QScrollBar::add-line, QScrollBar::sub-line {{ width: 0; height: 0; }}
"""


def apply_dark_theme(app: QApplication) -> None:
    """Fusion style with a dark palette and the control-room stylesheet."""
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
        (QPalette.ColorRole.Highlight, "#2f5d8c"),
        (QPalette.ColorRole.HighlightedText, "#ffffff"),
        (QPalette.ColorRole.ToolTipBase, RAISED),
        (QPalette.ColorRole.ToolTipText, TEXT),
    ):
        palette.setColor(role, QColor(colour))
    app.setPalette(palette)
    app.setStyleSheet(STYLESHEET)
