"""Command line: ``python -m geo <command> [inputs…]``.

Every command takes the same inputs (``--centres``, ``--communities``, ``--flood [NAME=]PATH``
repeatable, ``--districts``, ``--rivers``, ``--dem``, ``--population``); any input left out
comes from the bundled synthetic sample. Each command asks one :class:`geo.analysis.PlanningRun`
for its results — the object the app uses too. Results go to ``--out``. Exit codes: 0 success,
2 bad input (the message on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from geo import settings
from geo.errors import CrecidaError, CrecidaWarning, InputError, Problem

EXIT_OK = 0
EXIT_BAD_INPUT = 2
WRITER_ENTRY_POINTS = "crecida.writers"
"""Entry-point group of export writers from outside ``geo`` (the HTML map, from ``layers``)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CrecidaWarning)  # reported via inputs.warnings
            return args.handler(args)
    except CrecidaError as exc:
        print(f"crecida: error: {exc}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as exc:  # e.g. an output folder that cannot be written
        print(f"crecida: error: {exc.strerror or exc}: {exc.filename or ''}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("crecida: interrupted", file=sys.stderr)
        return 130


# --------------------------------------------------------------------------- parsers


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m geo",
        description="Crecida: flood exposure, catchment and siting of collective centres. "
        "Inputs left out come from the bundled synthetic Iquitos sample.",
    )
    sub = parser.add_subparsers(title="commands", metavar="COMMAND")

    p = sub.add_parser("validate", help="load and check the inputs; print a report")
    _add_inputs(p)
    _add_workspace(p)
    p.set_defaults(handler=_cmd_validate)

    p = sub.add_parser("exposure", help="centres and communities under every scenario")
    _add_inputs(p)
    _add_workspace(p)
    _add_exposure_options(p)
    p.add_argument(
        "--exact",
        action="store_true",
        help="weight cells by the share of their area inside each polygon",
    )
    _add_out(p, "OUT.gpkg")
    p.set_defaults(handler=_cmd_exposure)

    p = sub.add_parser("catchment", help="assign displaced people to operational centres")
    _add_inputs(p)
    _add_workspace(p)
    _add_exposure_options(p)
    _add_scenario(p)
    _add_catchment_options(p)
    _add_out(p, "OUT.gpkg")
    p.set_defaults(handler=_cmd_catchment)

    p = sub.add_parser("siting", help="propose new collective centres")
    _add_inputs(p)
    _add_workspace(p)
    _add_exposure_options(p)
    _add_scenario(p)
    _add_siting_options(p, required=True)
    p.add_argument(
        "--candidates",
        type=Path,
        metavar="PATH",
        help="candidate points (default: generated on suitable cells)",
    )
    p.add_argument(
        "--demand",
        type=Path,
        metavar="PATH",
        help="demand points with a weight column (default: displaced estimate)",
    )
    p.add_argument("--weight", metavar="COLUMN", help="weight column of --demand")
    _add_out(p, "OUT.gpkg")
    p.set_defaults(handler=_cmd_siting)

    p = sub.add_parser("evaluate", help="evaluate an area as a possible new centre")
    _add_inputs(p)
    _add_workspace(p)
    _add_exposure_options(p)
    _add_scenario(p)
    _add_area_options(p, required=True)
    p.add_argument("--out", type=Path, metavar="PATH",
                   help="also write the area as a layer (.gpkg .geojson .kml .csv …)")
    p.set_defaults(handler=_cmd_evaluate)

    p = sub.add_parser("export", help="export layers and briefing maps (format by extension)")
    _add_inputs(p)
    _add_workspace(p)
    _add_exposure_options(p)
    _add_scenario(p)
    _add_catchment_options(p)
    _add_siting_options(p, required=False)
    _add_area_options(p, required=False)
    p.add_argument("--lang", choices=("es", "en"), default="es", help="language of maps")
    p.add_argument(
        "--layer",
        metavar="NAME",
        help="only this layer (e.g. centres_exposure); a one-layer format (.csv, .geojson) "
        "given several layers writes a zip with one file per layer",
    )
    _add_out(p, "PATH (.gpkg .geojson .shp.zip .kml .kmz .csv .tif .html .png .pdf)")
    p.set_defaults(handler=_cmd_export)
    return parser


def _add_inputs(p: argparse.ArgumentParser) -> None:
    g = p.add_argument_group("inputs (each defaults to the synthetic sample)")
    g.add_argument(
        "--centres",
        type=Path,
        metavar="PATH",
        help="collective centres: CSV/XLSX (HXL ok), GeoJSON, GPKG, SHP zip, KML",
    )
    g.add_argument("--communities", type=Path, metavar="PATH", help="community polygons/points")
    g.add_argument(
        "--flood",
        action="append",
        metavar="[NAME=]PATH",
        default=None,
        help="flood scenario raster (depth, 0/1 extent or water level) or vector "
        "extent; repeatable",
    )
    g.add_argument(
        "--flood-kind",
        action="append",
        metavar="NAME=KIND",
        default=None,
        help="kind of a scenario: depth, extent or water_level (default: guessed)",
    )
    g.add_argument("--districts", type=Path, metavar="PATH", help="district polygons")
    g.add_argument("--rivers", type=Path, metavar="PATH", help="river lines")
    g.add_argument("--dem", type=Path, metavar="PATH", help="DEM raster (m a.s.l.)")
    g.add_argument("--population", type=Path, metavar="PATH", help="population raster")


def _add_workspace(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--workspace",
        type=Path,
        metavar="FILE.gpkg",
        help="a planning workspace saved by the app (Guardar trabajo): its input files, "
        "parameters, scenario, drawn areas and proposed sites; options given here override "
        "its parameters, input options cannot be combined with it",
    )


def _add_exposure_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--threshold",
        type=_non_negative,
        metavar="M",
        default=settings.FLOOD_THRESHOLD_M,
        help=f"flooded at or above this depth (default {settings.FLOOD_THRESHOLD_M})",
    )
    p.add_argument(
        "--access-radius",
        type=_positive,
        metavar="M",
        default=settings.ACCESS_RING_RADIUS_M,
        help=f"radius of the access ring around each centre (default "
        f"{settings.ACCESS_RING_RADIUS_M:g})",
    )
    p.add_argument(
        "--service-distance",
        type=_positive,
        metavar="M",
        dest="service_distance_m",
        default=settings.SERVICE_DISTANCE_M,
        help=f"farthest a displaced person is sent to a centre, in metres (default "
        f"{settings.SERVICE_DISTANCE_M:g})",
    )
    # Older names of --service-distance, kept working but not shown.
    for alias in ("--max-distance", "--radius"):
        p.add_argument(alias, type=_positive, dest="service_distance_m", help=argparse.SUPPRESS)


def _add_scenario(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scenario", metavar="NAME", help="scenario (default: the most severe)")


def _add_catchment_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--mode",
        choices=("straight", "flood-aware"),
        default="straight",
        help="distance: straight line, or travel avoiding flooded cells",
    )
    p.add_argument(
        "--respect-capacity",
        action=argparse.BooleanOptionalAction,
        default=settings.RESPECT_CAPACITY,
        help="send what a full centre cannot take to the next nearest centre with room "
        f"(default {'on' if settings.RESPECT_CAPACITY else 'off'})",
    )


def _add_siting_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    p.add_argument("--count", type=int, required=required, metavar="K",
                   help="new sites to choose" + ("" if required else " (and export)"))
    p.add_argument(
        "--objective",
        choices=("coverage", "median"),
        default="coverage",
        help="maximise displaced covered, or minimise total weighted distance",
    )
    p.add_argument(
        "--site-area",
        type=_positive,
        metavar="M2",
        dest="site_area_m2",
        default=settings.NEW_SITE_AREA_M2,
        help=f"area of each new site in m² (default {settings.NEW_SITE_AREA_M2:g}); a site "
        "takes area ÷ 45 m² per person (Sphere), demand above it goes to the next site",
    )


def _add_area_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    g = p.add_mutually_exclusive_group(required=required)
    g.add_argument("--area", type=Path, metavar="PATH",
                   help="polygon of the area (GeoJSON, GPKG, KML, zipped shapefile)")
    g.add_argument("--bbox", type=_bbox, metavar="W,S,E,N",
                   help="a rectangle in degrees: west,south,east,north")


def _add_out(p: argparse.ArgumentParser, metavar: str) -> None:
    p.add_argument("--out", type=Path, required=True, metavar=metavar, help="output file")


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"must be a finite number, got {text}")
    return value


def _positive(text: str) -> float:
    value = _number(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _non_negative(text: str) -> float:
    value = _number(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be zero or positive, got {text}")
    return value


def _bbox(text: str) -> tuple[float, float, float, float]:
    parts = text.split(",")
    if len(parts) != 4:
        raise argparse.ArgumentTypeError(f"'{text}' is not WEST,SOUTH,EAST,NORTH")
    west, south, east, north = (_number(v) for v in parts)
    return west, south, east, north


# --------------------------------------------------------------------------- inputs


def parse_flood_arg(text: str) -> tuple[str | None, Path]:
    """``NAME=PATH`` or ``PATH`` (a path that itself contains ``=`` is kept whole)."""
    name, sep, path = text.partition("=")
    if sep and name and "/" not in name and "\\" not in name and not Path(text).exists():
        return name.strip(), Path(path)
    return None, Path(text)


def load_from_args(args: argparse.Namespace):
    """Load :class:`geo.inputs.Inputs` from the common input options (or ``--workspace``)."""
    from geo.inputs import load_inputs

    workspace = _workspace(args)
    if workspace is not None:
        from geo.workspace import load_workspace_inputs

        return load_workspace_inputs(workspace, WORKSPACE_FILES)

    floods = [parse_flood_arg(f) for f in args.flood] if args.flood else None
    kinds: dict[str, str] = {}
    for item in args.flood_kind or []:
        name, sep, kind = item.partition("=")
        if not sep:
            raise InputError(
                Problem(
                    f"--flood-kind '{item}' is not NAME=KIND", fix="e.g. --flood-kind radar=extent"
                )
            )
        kinds[name.strip()] = kind.strip()
    return load_inputs(
        centres=args.centres,
        communities=args.communities,
        floods=floods,
        flood_kinds=kinds or None,
        districts=args.districts,
        rivers=args.rivers,
        dem=args.dem,
        population=args.population,
    )


def run_from_args(args: argparse.Namespace, *, desc: str):
    """The :class:`geo.analysis.PlanningRun` of the command's inputs and options (or of
    ``--workspace FILE``: its inputs, its parameters unless an option sets another value, and
    its scenario when ``--scenario`` is not given)."""
    from geo.analysis import Parameters, PlanningRun

    given = {
        "threshold_m": args.threshold,
        "ring_radius_m": args.access_radius,
        "service_distance_m": args.service_distance_m,
        "catchment_mode": getattr(args, "mode", "straight"),
        "respect_capacity": getattr(args, "respect_capacity", settings.RESPECT_CAPACITY),
        "exact": getattr(args, "exact", False),
    }
    workspace = _workspace(args)
    if workspace is None:
        return PlanningRun(load_from_args(args), Parameters(**given),
                           progress=progress_bar(desc))
    defaults = Parameters()
    saved = workspace.parameters.as_dict()
    # An option left at its default keeps the workspace's value; one set to another wins.
    chosen = {k: (v if v != getattr(defaults, k) else saved.get(k, v)) for k, v in given.items()}
    if getattr(args, "scenario", None) is None and workspace.scenario:
        args.scenario = workspace.scenario
    return PlanningRun(load_from_args(args), Parameters(**chosen), progress=progress_bar(desc))


WORKSPACE_FILES = Path(tempfile.gettempdir()) / "crecida_workspace"
"""Where the input files of a ``--workspace`` are written to be read (one folder per file's
SHA-256, so each is written once)."""


def _workspace(args: argparse.Namespace):
    """The :class:`geo.workspace.Workspace` of ``--workspace``, read once per command."""
    path = getattr(args, "workspace", None)
    if path is None:
        return None
    if getattr(args, "_workspace_read", None) is None:
        from geo.workspace import read_workspace

        inputs = [o for o in ("centres", "communities", "flood", "districts", "rivers", "dem",
                              "population") if getattr(args, o, None)]
        if inputs:
            raise InputError(Problem.keyed("workspace_with_inputs", source=path.name,
                                           options=", ".join(f"--{o}" for o in inputs)))
        args._workspace_read = read_workspace(path)
    return args._workspace_read


def export_writers() -> dict[str, Callable]:
    """Writers for extra export formats, by kind or extension, from other packages: each entry
    point of the group :data:`WRITER_ENTRY_POINTS` names a mapping of them (``layers.html``
    registers the standalone HTML map this way, as ``geo`` never imports ``layers``)."""
    from importlib.metadata import entry_points

    writers: dict[str, Callable] = {}
    for ep in entry_points(group=WRITER_ENTRY_POINTS):
        writers.update(ep.load())
    return writers


def progress_bar(desc: str) -> Callable[[int, int, str], None] | None:
    """A ``progress(done, total, message)`` callback drawing a tqdm bar on a terminal."""
    if not sys.stderr.isatty():
        return None
    from tqdm import tqdm

    bar: dict[str, tqdm] = {}

    def update(done: int, total: int, message: str = "") -> None:
        if "bar" not in bar:
            bar["bar"] = tqdm(total=total, desc=desc, unit="step", file=sys.stderr)
        b = bar["bar"]
        b.total = total
        b.n = done
        b.set_postfix_str(message[:40], refresh=True)
        if done >= total:
            b.close()

    return update


def _area_from_args(args: argparse.Namespace):
    """The area of ``--area PATH`` or ``--bbox``, or ``None``."""
    from geo.analysis import area_from_bbox

    if getattr(args, "bbox", None) is not None:
        return area_from_bbox(*args.bbox), "bbox"
    if getattr(args, "area", None) is not None:
        from geo.io import read_flood_polygons

        return read_flood_polygons(args.area), args.area.name
    return None, ""


# --------------------------------------------------------------------------- commands


def _cmd_validate(args: argparse.Namespace) -> int:
    from geo.inputs import validation_report

    inputs = load_from_args(args)
    print(validation_report(inputs))
    return EXIT_OK


def _cmd_exposure(args: argparse.Namespace) -> int:
    from geo.io import write_layers

    result = run_from_args(args, desc="exposure").exposure
    write_layers(
        args.out,
        {
            "centres_exposure": result.centres,
            "communities_exposure": result.communities,
            "summary": result.summary,
        },
    )
    print(
        f"wrote {args.out}: centres_exposure ({len(result.centres)} rows), "
        f"communities_exposure ({len(result.communities)} rows), "
        f"summary ({len(result.summary)} rows)"
    )
    return EXIT_OK


def _cmd_catchment(args: argparse.Namespace) -> int:
    from geo.io import write_layers

    run = run_from_args(args, desc="catchment")
    name = run.scenario_name(args.scenario)
    assignment = run.catchment(name)
    layers = assignment.layers()
    write_layers(args.out, layers)
    cap = layers["centres_capacity"]
    displaced = run.communities(name)["displaced_est"].sum()
    print(
        f"{name}: {int(displaced):,} displaced (estimate); "
        f"{int(cap['overcrowded'].sum())} centre(s) overcrowded; "
        f"{assignment.unserved_persons:,.0f} displaced without a place"
    )
    for note in assignment.notes:
        print(f"  note: {note}")
    print(f"wrote {args.out}: " + ", ".join(f"{k} ({len(v)})" for k, v in layers.items()))
    return EXIT_OK


def _sites(run, args: argparse.Namespace, name: str, *, candidates=None, demand=None,
           weight=None):
    """Optimised sites for the command, or the best feasible answer with a warning."""
    from geo.errors import SolverError

    try:
        return run.optimise(args.count, scenario=name, objective=args.objective,
                            candidates=candidates, demand=demand, weight_col=weight,
                            site_area_m2=args.site_area_m2)
    except SolverError as exc:
        if exc.best is None:
            raise
        print(f"crecida: warning: {exc} — using the best feasible answer", file=sys.stderr)
        return exc.best


def _cmd_siting(args: argparse.Namespace) -> int:
    from geo.io import read_points, write_layers

    run = run_from_args(args, desc="siting")
    name = run.scenario_name(args.scenario)
    demand = read_points(args.demand) if args.demand is not None else None
    candidates = read_points(args.candidates) if args.candidates else None
    sites = _sites(run, args, name, candidates=candidates, demand=demand, weight=args.weight)
    layers = sites.layers()
    write_layers(args.out, layers)
    new = layers["new_sites"]
    print(
        f"{name}: {len(new)} new site(s) proposed ({args.objective}, "
        f"service distance {args.service_distance_m:g} m)"
    )
    for row in new.itertuples():
        print(
            f"  - {getattr(row, 'site_id', row.Index)}: +{row.covered_weight:,.0f} persons "
            f"covered at {row.geometry.y:.5f}, {row.geometry.x:.5f}"
        )
    print(f"wrote {args.out}: " + ", ".join(f"{k} ({len(v)})" for k, v in layers.items()))
    return EXIT_OK


def _cmd_evaluate(args: argparse.Namespace) -> int:
    if args.out is not None:
        from geo.export import export_format

        export_format(args.out)  # refuse an unknown extension before any work
    run = run_from_args(args, desc="evaluate")
    name = run.scenario_name(args.scenario)
    area, label = _area_from_args(args)
    report = run.evaluate(area, scenario=name, label=label)
    figures = report.layer.drop(columns=report.layer.geometry.name).iloc[0]
    print(f"Area evaluated under {name} ({label}):")
    for key, value in figures.items():
        shown = f"{value:,.1f}" if isinstance(value, float) else str(value)
        print(f"  {key}: {shown}")
    print("Flood status by scenario:")
    print(report.scenarios.to_string(index=False))
    print("Nearest existing centres:")
    print(report.nearest.to_string(index=False))
    for note in report.notes:
        print(f"  note: {note}")
    if args.out is not None:
        out = run.export(args.out, scenario=name, include=["evaluated_areas"], areas=[report],
                         writers=export_writers())
        print(f"wrote {out}")
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from geo.export import export_format

    export_format(args.out)  # refuse an unknown extension before any work
    run = run_from_args(args, desc="export")
    name = run.scenario_name(args.scenario)
    workspace = _workspace(args)
    sites = _sites(run, args, name) if args.count is not None else (
        workspace.sites if workspace is not None else None)
    area, label = _area_from_args(args)
    areas = [run.evaluate(area, scenario=name, label=label)] if area is not None else (
        [run.evaluate(a, scenario=name, label=f"area {i}")
         for i, a in enumerate(workspace.areas, 1)] if workspace is not None else [])
    out = run.export(args.out, scenario=name, layer=args.layer, sites=sites, areas=areas,
                     lang=args.lang, writers=export_writers())
    print(f"wrote {out} ({export_format(out)}; scenario {name})")
    return EXIT_OK
