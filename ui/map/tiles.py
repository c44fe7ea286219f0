"""The basemap file's tiles, served to the map page through a QtWebEngine URL scheme.

No HTTP server and no internet: the page asks for ``crtiles://<key>/<z>/<x>/<y>`` and
``TileSchemeHandler`` answers from the open tile file (:mod:`controlroom.geo.tiles`).
``<key>`` names the file as it is now (its path, size and modification time), so a page
built for an older copy of the file never shows tiles of a newer one.

Chromium learns a custom scheme only before it starts: :func:`register_tile_scheme` must
run before the QApplication exists (``ui.shell.app.application`` and the tests' conftest
call it). A tile is one indexed SQLite row or one read at an offset — about 30 us each for
either kind, measured — so tiles are read on the GUI thread: no worker is worth its hand-over.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QObject
from PySide6.QtWebEngineCore import (
    QWebEngineProfile,
    QWebEngineUrlRequestJob,
    QWebEngineUrlScheme,
    QWebEngineUrlSchemeHandler,
)

from controlroom.config import Settings
from controlroom.geo.tiles import TileFileError, TileMetadata, TileSource, open_tiles

SCHEME = b"crtiles"
log = logging.getLogger(__name__)


def register_tile_scheme() -> None:
    """Declare ``crtiles:`` to Chromium; only before the QApplication exists, once per process."""
    if QWebEngineUrlScheme.schemeByName(QByteArray(SCHEME)).name() == QByteArray(SCHEME):
        return
    scheme = QWebEngineUrlScheme(QByteArray(SCHEME))
    scheme.setSyntax(QWebEngineUrlScheme.Syntax.Host)
    # LocalScheme: only local pages (our map page is a file) may load these tiles; a remote
    # page shown by mistake cannot read the force's map. SecureScheme: no mixed-content block.
    scheme.setFlags(QWebEngineUrlScheme.Flag.LocalScheme | QWebEngineUrlScheme.Flag.SecureScheme)
    QWebEngineUrlScheme.registerScheme(scheme)


@dataclass(frozen=True, slots=True)
class Basemap:
    """An opened basemap file and the key its tiles are served under."""

    key: str
    source: TileSource

    @property
    def metadata(self) -> TileMetadata:
        return self.source.metadata

    @property
    def url_template(self) -> str:
        return f"{SCHEME.decode()}://{self.key}/{{z}}/{{x}}/{{y}}"


def file_key(path: Path) -> str:
    """The file as it is now: a new copy (another size or time) gets another key."""
    stat = path.stat()
    identity = f"{path.resolve()}\0{stat.st_size}\0{stat.st_mtime_ns}"
    return "b" + hashlib.sha256(identity.encode()).hexdigest()[:16]


def open_basemap(settings: Settings) -> tuple[Basemap | None, str | None]:
    """The configured basemap, or (None, why not) for a file that cannot be used; (None, None) if unset."""
    if settings.basemap is None:
        return None, None
    try:
        source = open_tiles(settings.basemap)
        return Basemap(file_key(settings.basemap), source), None
    except TileFileError as exc:
        log.warning("%s", exc)
        return None, str(exc)


class TileSchemeHandler(QWebEngineUrlSchemeHandler):
    """Answers ``crtiles://<key>/<z>/<x>/<y>`` from the basemap registered under ``key``."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._basemaps: dict[str, Basemap] = {}
        # Tiles answered with image bytes, and addresses the file has no tile for, by basemap key.
        self.served: Counter[str] = Counter()
        self.missing: Counter[str] = Counter()

    def add(self, basemap: Basemap) -> Basemap:
        """Serve ``basemap`` under its key; a file already served keeps its open copy (this one closes)."""
        served = self._basemaps.setdefault(basemap.key, basemap)
        if served is not basemap:
            basemap.source.close()
        return served

    def requestStarted(self, job: QWebEngineUrlRequestJob) -> None:  # noqa: N802 - Qt's name
        url = job.requestUrl()
        basemap = self._basemaps.get(url.host())
        address = _address(url.path())
        if basemap is None or address is None:
            job.fail(QWebEngineUrlRequestJob.Error.UrlInvalid)
            return
        try:
            data = basemap.source.tile(*address)
        except Exception as exc:
            # A file changed or damaged under the open source: this square stays empty and the map
            # works on (an exception out of a Qt virtual would leave the request unanswered).
            log.warning("basemap tile %s of %s not served: %s", address, basemap.metadata.path, exc)
            job.fail(QWebEngineUrlRequestJob.Error.RequestFailed)
            return
        if data is None:
            self.missing[basemap.key] += 1
            job.fail(QWebEngineUrlRequestJob.Error.UrlNotFound)
            return
        # Parented to the job: Chromium reads the buffer after this returns, and the job
        # deletes it when the request ends.
        buffer = QBuffer(job)
        buffer.setData(QByteArray(data))
        self.served[basemap.key] += 1
        job.reply(QByteArray(basemap.metadata.media_type.encode()), buffer)


def _address(path: str) -> tuple[int, int, int] | None:
    parts = path.strip("/").split("/")
    if len(parts) != 3 or not all(part.isdigit() for part in parts):
        return None
    z, x, y = (int(part) for part in parts)
    return (z, x, y) if z <= 30 else None


def tile_handler(profile: QWebEngineProfile) -> TileSchemeHandler:
    """The profile's tile handler, installed on first use (a profile takes one per scheme)."""
    installed = profile.urlSchemeHandler(QByteArray(SCHEME))
    if isinstance(installed, TileSchemeHandler):
        return installed
    handler = TileSchemeHandler(profile)
    profile.installUrlSchemeHandler(QByteArray(SCHEME), handler)
    return handler
