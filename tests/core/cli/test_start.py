"""A headless command starts without the window: no Qt, and no library it does not use.

Each runs in a fresh interpreter through the console script's own entry point
(``ui.cli``, which also offers the window) or ``python -m controlroom``, which then
reports the modules it loaded.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

# Loaded by the window, routing, paperwork or migrations only.
NOT_FOR_REPORT = ("PySide6", "shiboken6", "qasync", "ui.shell", "networkx", "jinja2", "folium", "alembic")

_PROBE = """
import json, sys
from {module} import main
code = main(sys.argv[1:])
tops = {{name.split(".")[0] for name in sys.modules}}
loaded = sorted(tops | {{name for name in sys.modules if name.startswith("ui.")}})
print(json.dumps({{"exit": code, "modules": loaded}}))
"""


def _run(module: str, *args: str) -> tuple[int, list[str], str]:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE.format(module=module), *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=os.environ.copy(),
        check=False,
    )
    report = json.loads(done.stdout.strip().splitlines()[-1])
    return report["exit"], report["modules"], done.stderr


def test_report_through_the_console_script_loads_no_qt(db_url: str) -> None:
    code, modules, err = _run(
        "ui.cli",
        *("--db", db_url, "report", "--at", "50.9060,-1.4044", "--place", "East Street"),
        *("--category", "harassment", "--source", "cctv", "--summary", "seen from the start test"),
    )
    assert code == 0, err
    assert not [name for name in modules if name.startswith(NOT_FOR_REPORT)]


def test_a_listing_through_the_headless_entry_point_loads_no_qt(db_url: str) -> None:
    code, modules, err = _run("controlroom.cli.main", "--db", db_url, "venues")
    assert code == 0, err
    assert not [name for name in modules if name.startswith(("PySide6", "shiboken6", "qasync", "ui"))]
