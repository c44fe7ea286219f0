"""``python -m controlroom``: the headless command line (no window)."""

from __future__ import annotations

from controlroom.cli.main import main

raise SystemExit(main())
