"""Where things live and how the program is tuned.

The database URL comes from ``--db``, else ``CONTROLROOM_DB_URL``, else an embedded
SQLite file in the user data directory, so one workstation needs no set-up.
Optional settings (a tile server or a basemap file, the poll interval; on PostgreSQL ``[feed] listen``
and ``fallback_poll_interval``, and ``[database] listen_url`` when the database URL
goes through PgBouncer) live in ``config.toml`` in the
user config directory; ``CONTROLROOM_HOME`` relocates both directories (tests,
portable installs).
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import platformdirs

from controlroom.core.errors import ValidationError
from controlroom.core.grading import GradeTargets

APP_NAME = "controlroom"


def data_dir() -> Path:
    home = os.environ.get("CONTROLROOM_HOME")
    if home:
        # Absolute: the map page is loaded from here by file URL, and a relative
        # CONTROLROOM_HOME would be read against a different directory.
        return Path(home).absolute() / "data"
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def config_dir() -> Path:
    home = os.environ.get("CONTROLROOM_HOME")
    if home:
        return Path(home).absolute() / "config"
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def default_db_url() -> str:
    return f"sqlite+aiosqlite:///{data_dir() / 'controlroom.sqlite3'}"


def outbox_path() -> Path:
    """The local outbox of writes made while the database was unreachable."""
    return data_dir() / "outbox.sqlite3"


def resolve_db_url(cli_value: str | None) -> str:
    """``--db`` wins, then ``CONTROLROOM_DB_URL``, then the embedded SQLite file."""
    return cli_value or os.environ.get("CONTROLROOM_DB_URL") or default_db_url()


def check_listen_url(value: object, source: str) -> str:
    """A PostgreSQL server address for the feed's LISTEN connection, or a clear error.

    Only its host, port and database name are used: the connection logs in as the
    console's own user, so the database applies the same grants to it as to the rest.
    """
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    example = "'postgresql://db-host:5432/controlroom' (the server itself, not PgBouncer)"
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{source} = {value!r} must be a PostgreSQL URL such as {example}")
    try:
        backend = make_url(value.strip()).get_backend_name()
    except ArgumentError:
        backend = None
    if backend not in ("postgresql", "postgres"):
        raise ValidationError(f"{source} = {value!r} is not a PostgreSQL URL; give one such as {example}")
    return value.strip()


@dataclass(frozen=True, slots=True)
class Settings:
    """Tunable settings; defaults suit a city-centre control room."""

    poll_interval: float = 0.5
    # PostgreSQL: consoles LISTEN for changes and poll only as a fallback this often.
    listen: bool = True
    fallback_poll_interval: float = 5.0
    # PostgreSQL behind PgBouncer (transaction pooling): where LISTEN connects directly.
    # None: on the database URL itself.
    listen_url: str | None = None
    reference_prefix: str = "SOT"
    tile_url: str | None = None
    tile_attribution: str = ""
    # A raster MBTiles or PMTiles file drawn under the streets (checked when the map opens).
    basemap: Path | None = None
    window_hours: float = 24.0
    grade_targets: GradeTargets = field(default_factory=GradeTargets)

    @classmethod
    def load(cls, path: Path | None = None) -> Settings:
        """Read ``config.toml`` if present; a malformed file is a clear error."""
        path = path or config_dir() / "config.toml"
        raw: dict[str, Any] = {}
        if path.exists():
            try:
                raw = tomllib.loads(path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise ValidationError(f"{path} is not valid TOML: {exc}") from exc
        defaults = cls()
        feed = raw.get("feed", {})
        map_ = raw.get("map", {})
        incidents = raw.get("incidents", {})
        tile_url = os.environ.get("CONTROLROOM_TILE_URL") or map_.get("tile_url")
        if tile_url is not None and "{z}" not in str(tile_url):
            raise ValidationError(
                f"map.tile_url {tile_url!r} must be an XYZ template such as "
                "'http://tiles.local/{z}/{x}/{y}.png'"
            )
        interval = float(feed.get("poll_interval", defaults.poll_interval))
        if not 0.05 <= interval <= 60:
            raise ValidationError(f"feed.poll_interval {interval} must be between 0.05 and 60 seconds")
        fallback = float(feed.get("fallback_poll_interval", defaults.fallback_poll_interval))
        if not 0.5 <= fallback <= 300:
            raise ValidationError(
                f"feed.fallback_poll_interval {fallback} must be between 0.5 and 300 seconds"
            )
        listen = feed.get("listen", defaults.listen)
        if not isinstance(listen, bool):
            raise ValidationError(f"feed.listen = {listen!r} must be true or false")
        targets = _grade_targets(raw.get("grades", {}), defaults.grade_targets)
        listen_url = _listen_url(raw.get("database", {}), path)
        return cls(
            grade_targets=targets,
            poll_interval=interval,
            listen=listen,
            fallback_poll_interval=fallback,
            listen_url=listen_url,
            reference_prefix=str(incidents.get("reference_prefix", defaults.reference_prefix)),
            tile_url=tile_url,
            tile_attribution=str(map_.get("tile_attribution", "")),
            basemap=_basemap(map_, path),
            window_hours=float(incidents.get("window_hours", defaults.window_hours)),
        )


def _listen_url(raw: dict[str, Any], path: Path) -> str | None:
    """``CONTROLROOM_LISTEN_URL`` wins over ``[database] listen_url``, as the main URL's variable does."""
    from_env = os.environ.get("CONTROLROOM_LISTEN_URL")
    if from_env:
        return check_listen_url(from_env, "CONTROLROOM_LISTEN_URL")
    if "listen_url" in raw:
        return check_listen_url(raw["listen_url"], f"database.listen_url in {path}")
    return None


def _basemap(raw: dict[str, Any], path: Path) -> Path | None:
    """``CONTROLROOM_BASEMAP`` wins over ``[map] basemap`` (a relative path there is read beside config.toml).

    Only the setting's form is checked here: every command reads the settings, and a
    damaged tile file must not stop one that draws no map. The map checks the file itself
    (``controlroom.geo.tiles.open_tiles``) and falls back to the street layer.
    """
    from_env = os.environ.get("CONTROLROOM_BASEMAP")
    if from_env:
        return Path(from_env).expanduser().absolute()
    value = raw.get("basemap")
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(
            f"map.basemap = {value!r} in {path} must be the path of a raster MBTiles or PMTiles file, "
            "such as 'basemap/city-night.mbtiles'"
        )
    return (path.parent / Path(value.strip()).expanduser()).absolute()


def _grade_targets(raw: dict[str, Any], defaults: GradeTargets) -> GradeTargets:
    """``[grades] grade1_minutes = 15``, ``grade2_minutes = 60`` (attendance targets)."""
    minutes = dict(defaults.minutes)
    for grade in (1, 2):
        key = f"grade{grade}_minutes"
        if key in raw:
            value = raw[key]
            if not isinstance(value, int | float) or not 1 <= value <= 24 * 60:
                raise ValidationError(f"grades.{key} = {value!r} must be a number of minutes, 1 to 1440")
            minutes[grade] = float(value)
    return GradeTargets(minutes=tuple(sorted(minutes.items())))
