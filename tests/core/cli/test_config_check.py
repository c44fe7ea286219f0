"""``controlroom config check`` opens the basemap file the settings name and says if the map can draw it."""

from __future__ import annotations

from pathlib import Path

import pytest

from controlroom.cli.main import main
from tests.tile_files import png_tile, write_mbtiles


def test_config_check_describes_a_usable_basemap_and_refuses_a_vector_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    tiles = {(14, 8127, 5491): png_tile((20, 30, 60), 8)}
    monkeypatch.setenv(
        "CONTROLROOM_BASEMAP", str(write_mbtiles(tmp_path / "night.mbtiles", tiles, attribution="© OS"))
    )
    assert main(["config", "check"]) == 0
    out = capsys.readouterr().out
    assert f"basemap: {tmp_path / 'night.mbtiles'} — MBTiles, png tiles, zoom 14-14" in out
    assert "attribution '© OS'" in out
    vector = write_mbtiles(tmp_path / "vector.mbtiles", tiles, fmt="pbf")
    monkeypatch.setenv("CONTROLROOM_BASEMAP", str(vector))
    assert main(["config", "check"]) == 2
    err = capsys.readouterr().err
    assert f"basemap file {vector} holds vector tiles (format pbf)" in err
    monkeypatch.delenv("CONTROLROOM_BASEMAP")
    assert main(["config", "check"]) == 0
    assert "basemap: none (the map draws the street layer)" in capsys.readouterr().out
