"""The ``controlroom`` console script: the core command line plus the window."""

from __future__ import annotations

from collections.abc import Sequence

from controlroom import cli


def main(argv: Sequence[str] | None = None) -> int:
    from ui import app

    return cli.main(argv, frontend=cli.Frontend(run=app.run, screenshot=app.screenshot))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
