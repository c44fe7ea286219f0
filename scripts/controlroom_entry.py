"""Frozen entry point for the PyInstaller bundle: the ``controlroom`` console script.

Kept separate from ``ui/cli.py`` so the bundle starts exactly like the installed
console script (``controlroom = "ui.cli:main"``) without a ``__main__`` package.
"""

import multiprocessing

from ui.cli import main

if __name__ == "__main__":
    # The Reports dock's worker process is this same executable started again ("spawn"):
    # freeze_support() runs the worker in it instead of a second controlroom.
    multiprocessing.freeze_support()
    raise SystemExit(main())
