"""``controlroom config check``: are the settings and the files they name usable?

Every command reads ``config.toml`` (a malformed one stops each with exit 2), but the files
it names are opened only by the part that uses them: a damaged basemap must not stop a
report, and the window falls back to the street layer. This command opens them now, so
whoever installs a console finds out before the night shift does. The same goes for
``procedures.toml``: the other commands fall back to the shipped procedures with a
warning; this one refuses a file that cannot be used (exit 2), naming its line.
"""

from __future__ import annotations

from controlroom.cli.registry import Access, Command
from controlroom.cli.session import Invocation
from controlroom.cli.terminal import shown


def _check(call: Invocation) -> int:
    from controlroom.config import config_dir
    from controlroom.geo.tiles import open_tiles

    settings = call.settings
    path = config_dir() / "config.toml"
    print(f"settings: {shown(str(path))}" + ("" if path.exists() else " (none there: the defaults)"))
    _check_procedures()
    if settings.basemap is None:
        print("basemap: none (the map draws the street layer)")
        return 0
    source = open_tiles(settings.basemap)  # refused: TileFileError names the file, exit 2
    try:
        meta = source.metadata
        extent = "the whole file" if meta.bounds is None else ", ".join(f"{b:.4f}" for b in meta.bounds)
        print(
            f"basemap: {shown(str(meta.path))} — {meta.container}, {meta.format} tiles, "
            f"zoom {meta.min_zoom}-{meta.max_zoom}, bounds {extent} (west, south, east, north), "
            f"attribution {shown(meta.attribution or meta.name)!r}"
        )
    finally:
        source.close()
    return 0


def _check_procedures() -> None:
    """The procedures file in use; a file that cannot be used is refused here (exit 2), not defaulted."""
    from controlroom.core.errors import ValidationError
    from controlroom.procedures.book import ProcedureFileError, load_book, procedures_path, read_book

    if procedures_path().exists():
        try:
            read_book(procedures_path())
        except (ProcedureFileError, OSError) as bad:
            raise ValidationError(
                f"{bad} — until it is fixed, every other command uses the shipped procedures"
            ) from None
    book = load_book()
    own = "" if book.path == procedures_path() else f" (none at {procedures_path()}: the shipped defaults)"
    print(
        shown(
            f"procedures: {book.path}{own} — {book.force}, version {book.version}, "
            f"{len(book.procedures)} procedures"
        )
    )


COMMANDS = (
    Command(
        "config",
        "settings: check config.toml, the files it names and procedures.toml",
        actions=(
            Command(
                "check",
                "check procedures.toml, open the basemap file and say whether the map can draw it",
                _check,
                Access.NO_LOGIN,
            ),
        ),
    ),
)
