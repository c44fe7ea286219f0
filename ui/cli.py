"""The ``controlroom`` console script: the core command line plus the window."""

from __future__ import annotations

from collections.abc import Sequence

from controlroom.cli import main as cli


def main(argv: Sequence[str] | None = None) -> int:
    from ui.paperwork import pdf as paperwork_pdf
    from ui.shell import app

    frontend = cli.Frontend(
        run=app.run, screenshot=app.screenshot, write_pdf=paperwork_pdf.write_pdf_from_cli
    )
    return cli.main(argv, frontend=frontend)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
