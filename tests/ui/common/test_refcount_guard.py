"""A live window emits signals constantly; that must not abort the interpreter."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
import ui  # installs the guard
from PySide6.QtCore import QObject, Signal

class Emitter(QObject):
    sig_ticked = Signal()

emitter = Emitter()
for _ in range(200_000):
    emitter.sig_ticked.emit()
print("survived")
"""


def test_many_signal_emits_do_not_crash_the_interpreter() -> None:
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr[-500:]
    assert done.stdout.strip() == "survived"
