"""Command line: ``python -m geo <command> [inputs…]``.

Every command takes the same inputs (``--centres``, ``--communities``, ``--flood [NAME=]PATH``
repeatable, ``--districts``, ``--rivers``, ``--dem``, ``--population``); any input left out
comes from the bundled synthetic sample. Results go to ``--out``. Exit codes: 0 success,
2 bad input (the message on stderr, no traceback).
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from geo import settings
from geo.errors import CrecidaError, CrecidaWarning, InputError, Problem

EXIT_OK = 0
EXIT_BAD_INPUT = 2
FLOOD_STATUS_COL = "flood_status"
"""Column of the exposure engine's per-scenario flood status."""


def main(argv: Sequence[str] | None = None, *, writers: Mapping | None = None) -> int:
    """Run the command line; returns the exit code.

    ``writers`` are handed to :func:`geo.export.export` (``layers.html.main`` passes the
    HTML map's writer, which geo/ cannot import).
    """
    parser = _parser()
    args = parser.parse_args(argv)
    args.writers = writers
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
    p.set_defaults(handler=_cmd_validate)

    p = sub.add_parser("exposure", help="centres and communities under every scenario")
    _add_inputs(p)
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
    _add_exposure_options(p)
    _add_scenario(p)
    p.add_argument(
        "--mode",
        choices=("straight", "flood-aware"),
        default="straight",
        help="distance: straight line, or travel avoiding flooded cells",
    )
    p.add_argument(
        "--max-distance",
        type=_positive,
        metavar="M",
        default=settings.SERVICE_DISTANCE_M,
        help=f"service distance in metres (default {settings.SERVICE_DISTANCE_M:g})",
    )
    p.add_argument(
        "--respect-capacity",
        action="store_true",
        help="send overflow to the next nearest centre with room",
    )
    _add_out(p, "OUT.gpkg")
    p.set_defaults(handler=_cmd_catchment)

    p = sub.add_parser("siting", help="propose new collective centres")
    _add_inputs(p)
    _add_exposure_options(p)
    _add_scenario(p)
    p.add_argument("--count", type=int, required=True, metavar="K", help="new sites to choose")
    p.add_argument(
        "--radius",
        type=_positive,
        metavar="M",
        default=settings.SERVICE_DISTANCE_M,
        help="service distance in metres",
    )
    p.add_argument(
        "--objective",
        choices=("coverage", "median"),
        default="coverage",
        help="maximise displaced covered, or minimise total weighted distance",
    )
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

    p = sub.add_parser("export", help="export layers and briefing maps (format by extension)")
    _add_inputs(p)
    _add_exposure_options(p)
    _add_scenario(p)
    p.add_argument("--lang", choices=("es", "en"), default="es", help="language of maps")
    p.add_argument(
        "--layer",
        metavar="NAME",
        help="layer for one-layer formats (.geojson, .csv); without it every layer is "
        "written, one file each, to PATH.zip",
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


def _add_exposure_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--threshold",
        type=_non_negative,
        metavar="M",
        default=settings.FLOOD_THRESHOLD_M,
        help=f"flooded at or above this depth (default {settings.FLOOD_THRESHOLD_M})",
    )


def _add_scenario(p: argparse.ArgumentParser) -> None:
    p.add_argument("--scenario", metavar="NAME", help="scenario (default: the most severe)")


def _add_out(p: argparse.ArgumentParser, metavar: str) -> None:
    p.add_argument("--out", type=Path, required=True, metavar=metavar, help="output file")


def _positive(text: str) -> float:
    value = float(text)
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return value


def _non_negative(text: str) -> float:
    value = float(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be zero or positive, got {text}")
    return value


# --------------------------------------------------------------------------- inputs


def parse_flood_arg(text: str) -> tuple[str | None, Path]:
    """``NAME=PATH`` or ``PATH`` (a path that itself contains ``=`` is kept whole)."""
    name, sep, path = text.partition("=")
    if sep and name and "/" not in name and "\\" not in name and not Path(text).exists():
        return name.strip(), Path(path)
    return None, Path(text)


def load_from_args(args: argparse.Namespace):
    """Load :class:`geo.inputs.Inputs` from the common input options."""
    from geo.inputs import load_inputs

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


# --------------------------------------------------------------------------- commands


def _cmd_validate(args: argparse.Namespace) -> int:
    from geo.inputs import validation_report

    inputs = load_from_args(args)
    print(validation_report(inputs))
    return EXIT_OK


def _cmd_exposure(args: argparse.Namespace) -> int:
    from geo.exposure import assess
    from geo.io import write_layers

    inputs = load_from_args(args)
    result = assess(
        inputs.centres,
        inputs.communities,
        inputs.scenarios,
        threshold_m=args.threshold,
        exact=args.exact,
        population=inputs.population,
        progress=progress_bar("exposure"),
    )
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


def _exposure_for(inputs, name: str | None, threshold_m: float):
    """Exposure of one scenario, and the centres with its flood status added."""
    from geo.catchment import with_flood_status
    from geo.exposure import assess

    scenario = inputs.scenario(name)
    result = assess(
        inputs.centres,
        inputs.communities,
        {scenario.name: scenario},
        threshold_m=threshold_m,
        population=inputs.population,
        progress=progress_bar(f"exposure {scenario.name}"),
    )
    centres = with_flood_status(
        inputs.centres, result.centres, scenario=scenario.name, exposure_status_col=FLOOD_STATUS_COL
    )
    return scenario, result, centres


def _cmd_catchment(args: argparse.Namespace) -> int:
    from geo.catchment import assign
    from geo.io import write_layers
    from geo.schema import scenario_rows

    inputs = load_from_args(args)
    scenario, result, centres = _exposure_for(inputs, args.scenario, args.threshold)
    demand = scenario_rows(result.communities, scenario.name)
    assignment = assign(
        demand,
        centres,
        weight_col="displaced_est",
        demand_id_col="community_id",
        max_distance_m=args.max_distance,
        mode=args.mode,
        scenario=scenario,
        rivers=inputs.rivers,
        respect_capacity=args.respect_capacity,
        threshold_m=args.threshold,
    )
    layers = assignment.layers()
    write_layers(args.out, layers)
    cap = layers["centres_capacity"]
    print(
        f"{scenario.name}: {int(demand['displaced_est'].sum()):,} displaced (estimate); "
        f"{int(cap['overcrowded'].sum())} centre(s) overcrowded; "
        f"{assignment.unserved_persons:,.0f} displaced without a place"
    )
    for note in assignment.notes:
        print(f"  note: {note}")
    print(f"wrote {args.out}: " + ", ".join(f"{k} ({len(v)})" for k, v in layers.items()))
    return EXIT_OK


def _cmd_siting(args: argparse.Namespace) -> int:
    from geo.errors import SolverError
    from geo.io import read_points, write_layers
    from geo.schema import scenario_rows
    from geo.siting import plan_sites

    inputs = load_from_args(args)
    if (args.demand is None) != (args.weight is None):
        raise InputError(
            Problem(
                "--demand and --weight go together",
                fix="give both, e.g. --demand puntos.csv --weight personas",
            )
        )
    if args.count < 1:
        raise InputError(Problem(f"--count must be at least 1, got {args.count}"))
    scenario, result, centres = _exposure_for(inputs, args.scenario, args.threshold)
    if args.demand is not None:
        demand, weight = read_points(args.demand), args.weight
    else:
        demand, weight = scenario_rows(result.communities, scenario.name), "displaced_est"
    candidates = read_points(args.candidates) if args.candidates else None
    try:
        sites, _suitability = plan_sites(
            demand,
            centres,
            k=args.count,
            scenario_worst=scenario,
            radius_m=args.radius,
            objective=args.objective,
            candidates=candidates,
            weight_col=weight,
            dem=inputs.dem,
            rivers=inputs.rivers,
        )
    except SolverError as exc:
        if exc.best is None:
            raise
        print(f"crecida: warning: {exc} — writing the best feasible answer", file=sys.stderr)
        sites = exc.best
    layers = sites.layers()
    write_layers(args.out, layers)
    new = layers["new_sites"]
    print(
        f"{scenario.name}: {len(new)} new site(s) proposed ({args.objective}, "
        f"radius {args.radius:g} m)"
    )
    for row in new.itertuples():
        print(
            f"  - {getattr(row, 'site_id', row.Index)}: +{row.covered_weight:,.0f} persons "
            f"covered at {row.geometry.y:.5f}, {row.geometry.x:.5f}"
        )
    print(f"wrote {args.out}: " + ", ".join(f"{k} ({len(v)})" for k, v in layers.items()))
    return EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from geo import export
    from geo.catchment import assign, with_flood_status
    from geo.exposure import assess
    from geo.provenance import build_provenance
    from geo.schema import scenario_rows

    inputs = load_from_args(args)
    flood = inputs.scenario(args.scenario)
    result = assess(
        inputs.centres,
        inputs.communities,
        inputs.scenarios,
        threshold_m=args.threshold,
        population=inputs.population,
        progress=progress_bar("exposure"),
    )
    centres = with_flood_status(
        inputs.centres, result.centres, scenario=flood.name, exposure_status_col=FLOOD_STATUS_COL
    )
    catchment = assign(
        scenario_rows(result.communities, flood.name),
        centres,
        weight_col="displaced_est",
        demand_id_col="community_id",
        scenario=flood,
        threshold_m=args.threshold,
    )
    layers = export.analysis_layers(
        centres_exposure=result.centres,
        communities_exposure=result.communities,
        scenarios=inputs.scenarios,
        districts=inputs.districts,
        rivers=inputs.rivers,
        threshold_m=args.threshold,
        **catchment.layers(),
    )
    provenance = build_provenance(
        inputs.sources,
        scenario=flood.name,
        is_sample=inputs.is_sample,
        parameters={
            "threshold_m": args.threshold,
            "scenario": flood.name,
            "catchment_mode": "straight",
            "lang": args.lang,
        },
    )
    out = export.export(
        layers,
        args.out,
        provenance=provenance,
        flood=flood,
        scenario=flood.name,
        layer=args.layer,
        lang=args.lang,
        threshold_m=args.threshold,
        writers=args.writers,
    )
    print(f"wrote {out} ({export.export_format(out)}; scenario {flood.name})")
    return EXIT_OK
