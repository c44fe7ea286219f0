"""The map page in a real QtWebEngine view, booted and joined to its bridge."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from controlroom.config import Settings
from tests.ui.conftest import js
from tests.ui.waits import wait_until
from ui.map.view import MapView


@pytest.fixture
def map_view(qtbot: Any) -> Iterator[MapView]:
    """An 800x600 map pane at its overview, the page ready and still."""
    view = MapView(Settings())
    qtbot.addWidget(view)
    view.resize(800, 600)
    view.show()
    wait_until(qtbot, lambda: view.bridge.page_ready, "the map page booted and joined the channel", 15000)
    wait_until(qtbot, lambda: js(view, qtbot, "controlroom.isMoving()") is False, "the map stopped moving")
    yield view
