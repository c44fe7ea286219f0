"""Frozen entry point for the PyInstaller bundle: the ``controlroom`` console script.

Kept separate from ``ui/cli.py`` so the bundle starts exactly like the installed
console script (``controlroom = "ui.cli:main"``) without a ``__main__`` package.
"""

from ui.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
