"""``controlroom camera add|update|list|fault|clear|task|release|import`` and ``cameras-for``.

Names, sharing agreements, fault descriptions and stream URLs were typed by people:
they are printed as plain text (control characters made visible) and never opened here.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from controlroom.cli import arguments
from controlroom.cli.registry import Command
from controlroom.cli.session import Session, in_session
from controlroom.cli.terminal import json_text, shown
from controlroom.core.errors import ValidationError

if TYPE_CHECKING:
    from controlroom.cameras.records import CameraRecord

_OWNERS = "council, venue, transport, police or other"
_KINDS = "fixed, ptz or dome"
_PRESET = "NAME:HEADING:ANGLE:RANGE, e.g. Junction:90:60:150 (repeat for each; PTZ and dome only)"


def _camera_fields(parser: argparse.ArgumentParser, *, adding: bool) -> None:
    parser.add_argument("number", metavar="NUMBER")
    parser.add_argument("--name", required=adding, metavar="TEXT")
    parser.add_argument("--owner", required=adding, metavar="OWNER", help=_OWNERS)
    parser.add_argument("--venue", metavar="NAME", help="the owning venue (owner venue)")
    parser.add_argument("--agreement", metavar="TEXT", help="the sharing agreement (owner other)")
    parser.add_argument("--at", type=arguments.lat_lon, required=adding, metavar="LAT,LON")
    parser.add_argument("--kind", required=adding, metavar="KIND", help=_KINDS)
    parser.add_argument("--heading", type=float, metavar="DEGREES", help="0-360 from north (fixed cameras)")
    parser.add_argument("--angle", type=float, metavar="DEGREES", help="field of view, 1-360 (fixed cameras)")
    parser.add_argument(
        "--range", type=float, dest="range_m", metavar="METRES", help="useful range, up to 1000"
    )
    parser.add_argument("--stream", metavar="URL", help="rtsp://, http(s):// or file:// only")
    parser.add_argument("--retention-days", type=int, dest="retention_days", metavar="DAYS")
    parser.add_argument("--preset", action="append", dest="presets", metavar="PRESET", help=_PRESET)


def _add_arguments(parser: argparse.ArgumentParser) -> None:
    _camera_fields(parser, adding=True)


def _update_arguments(parser: argparse.ArgumentParser) -> None:
    _camera_fields(parser, adding=False)
    parser.add_argument("--status", metavar="STATUS", help="working, faulty or offline")
    parser.add_argument("--no-presets", action="store_true", help="remove every preset")
    parser.add_argument(
        "--version",
        type=int,
        dest="expected_version",
        metavar="N",
        help="refuse if the camera is no longer at N",
    )


def _fields(args: argparse.Namespace) -> dict[str, Any]:
    """The CameraSpec fields given on the command line (an update changes only these)."""
    from controlroom.cameras.records import parse_preset

    fields: dict[str, Any] = {}
    for name in ("name", "owner", "venue", "kind", "heading", "angle", "range_m", "retention_days", "status"):
        value = getattr(args, name, None)
        if value is not None:
            fields[name] = value
    if args.agreement is not None:
        fields["sharing_agreement"] = args.agreement
    if args.at is not None:
        fields["lat"], fields["lon"] = args.at
    if args.stream is not None:
        fields["stream_url"] = args.stream  # an empty URL takes the stream away
    if args.presets:
        fields["presets"] = tuple(parse_preset(text) for text in args.presets)
    if getattr(args, "no_presets", False):
        if args.presets:
            raise ValidationError("give --preset or --no-presets, not both")
        fields["presets"] = ()
    return fields


async def _add(session: Session, args: argparse.Namespace) -> int:
    from controlroom.cameras.commands import CameraCommands
    from controlroom.cameras.records import CameraSpec

    spec = CameraSpec(number=args.number, **_fields(args))
    camera = await CameraCommands(session.context).add_camera(spec)
    print(f"camera {shown(camera.number)} added: {shown(camera.name)} ({camera.kind}, {camera.owner})")
    return 0


async def _update(session: Session, args: argparse.Namespace) -> int:
    from controlroom.cameras.commands import CameraCommands

    fields = _fields(args)
    if not fields:
        raise ValidationError(
            "nothing to change: give at least one of the options (see camera update --help)"
        )
    camera = await CameraCommands(session.context).update_camera(
        args.number, fields, expected_version=args.expected_version
    )
    print(f"camera {shown(camera.number)}: version {camera.version}, {camera.status}")
    return 0


def _list_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true")


async def _list(session: Session, args: argparse.Namespace) -> int:
    from controlroom.cameras.queries import list_cameras

    cameras = await list_cameras(session.db)
    if args.json:
        print(json_text([c.to_json() for c in cameras], indent=2))
        return 0
    if not cameras:
        print("no cameras: add one with `controlroom camera add` or `controlroom camera import FILE`")
    for camera in cameras:
        print(_line(camera))
    return 0


def _line(camera: CameraRecord) -> str:
    if camera.kind == "fixed":
        view = f"{camera.heading:.0f}°/{camera.angle:.0f}° {camera.range_m:.0f} m"
    else:
        view = f"{len(camera.presets)} preset(s)"
    faults = f"  {len(camera.open_faults)} open fault(s)" if camera.open_faults else ""
    return (
        f"{shown(camera.number)[:10]:10} {shown(camera.name)[:30]:30} {camera.kind:5} {camera.owner:9} "
        f"{camera.status:8} {view}{faults}"
    )


def _fault_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", metavar="NUMBER")
    parser.add_argument("--description", required=True, metavar="TEXT", help="what is wrong with it")


async def _fault(session: Session, args: argparse.Namespace) -> int:
    from controlroom.cameras.commands import CameraCommands

    camera = await CameraCommands(session.context).report_fault(args.number, args.description)
    fault = camera.open_faults[-1]
    print(f"camera {shown(camera.number)}: fault {fault.id} logged; camera {camera.status}")
    return 0


def _clear_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", metavar="NUMBER")
    parser.add_argument(
        "--fault", type=int, dest="fault_id", metavar="ID", help="one fault (default: all open)"
    )


async def _clear(session: Session, args: argparse.Namespace) -> int:
    from controlroom.cameras.commands import CameraCommands

    camera = await CameraCommands(session.context).clear_fault(args.number, args.fault_id)
    print(f"camera {shown(camera.number)}: {len(camera.open_faults)} open fault(s); camera {camera.status}")
    return 0


def _task_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", metavar="NUMBER")
    parser.add_argument("reference", metavar="REF", help="the incident the camera watches")
    parser.add_argument("--preset", metavar="NAME", help="one of the camera's presets (PTZ and dome)")


async def _task(session: Session, args: argparse.Namespace) -> int:
    camera = await session.commands.task_camera(args.number, args.reference, args.preset)
    preset = f", preset {shown(camera.tasked_preset)}" if camera.tasked_preset else ""
    print(f"CCTV: camera {shown(camera.number)}{preset} on {args.reference.strip().upper()}")
    return 0


def _release_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", metavar="NUMBER")


async def _release(session: Session, args: argparse.Namespace) -> int:
    camera = await session.commands.release_camera(args.number)
    print(f"camera {shown(camera.number)} released")
    return 0


def _import_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("path", type=Path, metavar="CSV")


async def _import(session: Session, args: argparse.Namespace) -> int:
    from controlroom.cameras.commands import CameraCommands

    path: Path = args.path
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ValidationError(f"{path} is not UTF-8 text; save the CSV file as UTF-8") from None
    except OSError as why:
        raise ValidationError(
            f"cannot read {path}: {why.strerror or why}; give the path of a CSV file"
        ) from None
    cameras = await CameraCommands(session.context).import_csv(text, path.name)
    print(f"{len(cameras)} camera(s) imported from {shown(path.name)}")
    return 0


def _cameras_for_arguments(parser: argparse.ArgumentParser) -> None:
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("reference", nargs="?", metavar="REF", help="an incident reference")
    where.add_argument("--at", type=arguments.lat_lon, metavar="LAT,LON", help="a point instead")
    parser.add_argument("--json", action="store_true")


async def _cameras_for(session: Session, args: argparse.Namespace) -> int:
    from controlroom.cameras.queries import list_cameras
    from controlroom.cameras.which import (
        incident_place,
        point_place,
        preset_words,
        sighting_json,
        which_cameras,
    )

    if args.at is not None:
        lat, lon = args.at
        place = point_place(lat, lon, session.context.area)
    else:
        place = await incident_place(session.db, args.reference)
    sightings = which_cameras(place, await list_cameras(session.db))
    if args.json:
        found = [sighting_json(s) for s in sightings]
        print(
            json_text(
                {"lat": place.lat, "lon": place.lon, "reference": place.reference, "cameras": found}, indent=2
            )
        )
        return 0
    if not sightings:
        print(f"no camera can see {shown(place.label)}: none has it within its range and view")
        return 0
    print(f"cameras that can see {shown(place.label)}, best first:")
    for s in sightings:
        print(
            f"{shown(s.camera.number)[:10]:10} {preset_words(s)[:30]:30} {s.distance_m:5.0f} m "
            f"{s.off_axis_deg:4.0f}° off axis  {s.camera.status}"
        )
    return 0


COMMANDS = (
    Command(
        "camera",
        "the camera register: add, update, list, fault, clear, task, release, import",
        actions=(
            Command(
                "add", "add a camera to the register", in_session(_add), ("camera.manage",), _add_arguments
            ),
            Command(
                "update",
                "change a camera (only the options given)",
                in_session(_update),
                ("camera.manage",),
                _update_arguments,
            ),
            Command(
                "list", "the register with open faults", in_session(_list), ("read.cameras",), _list_arguments
            ),
            Command("fault", "log a camera fault", in_session(_fault), ("camera.fault",), _fault_arguments),
            Command(
                "clear", "clear a camera's faults", in_session(_clear), ("camera.fault",), _clear_arguments
            ),
            Command(
                "task",
                "task a camera (at a preset) to an incident; its previous task ends",
                in_session(_task),
                ("camera.task",),
                _task_arguments,
            ),
            Command(
                "release", "end a camera's task", in_session(_release), ("camera.task",), _release_arguments
            ),
            Command(
                "import",
                "add every camera of a CSV file, or none if a line is wrong",
                in_session(_import),
                ("camera.manage",),
                _import_arguments,
            ),
        ),
    ),
    Command(
        "cameras-for",
        "which cameras can see an incident or a point, best first, with the preset to use",
        in_session(_cameras_for),
        ("read.cameras",),
        _cameras_for_arguments,
    ),
)
