"""Command line: ``python -m geo [--lang es|en] <command> [inputs…]``.

Every command takes the same inputs (``--centres``, ``--communities``, ``--flood [NAME=]PATH``
repeatable, ``--districts``, ``--rivers``, ``--dem``, ``--population``); any input left out
comes from the bundled synthetic sample. Each command asks one :class:`geo.analysis.PlanningRun`
for its results — the object the app uses too. Results go to ``--out``.

The edge: options and the output path are checked before any work; what was fixed or assumed in
the inputs, and every warning of the run, is printed on stderr in the language of ``--lang``
(before or after the command's name; default Spanish when the locale is Spanish, else English;
it also sets the language of maps and labels an export writes). Exit codes: 0 success, 2 bad
input or an output that cannot be written (a message that says what, where and how to fix it),
1 an unexpected error (a short message naming the log file that holds the traceback, see
:mod:`geo.crashlog`), 130 interrupted. No traceback is ever printed.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import re
import sys
import tempfile
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path

from geo import settings
from geo.errors import (
    CrecidaError,
    CrecidaWarning,
    InputError,
    Problem,
    UnexpectedError,
    localise,
)

EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130
WRITER_ENTRY_POINTS = "crecida.writers"
"""Entry-point group of export writers from outside ``geo`` (the HTML map, from ``layers``)."""

LANGUAGES: tuple[str, ...] = ("es", "en")

#: Command-line option of each analysis parameter (named in problems instead of the field).
OPTION_NAMES: dict[str, str] = {
    "threshold_m": "--threshold",
    "ring_radius_m": "--access-radius",
    "service_distance_m": "--service-distance",
    "catchment_mode": "--mode",
    "datum_offset_m": "--datum-offset",
    "slope_cm_per_km": "--slope",
    "stage_m": "--stage",
    "site_area_m2": "--site-area",
}

#: Commands that write a GeoPackage of results (``--out`` must end in ``.gpkg``).
_GPKG_COMMANDS: tuple[str, ...] = ("exposure", "catchment", "siting", "stage", "season")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (never raises, never shows a traceback)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    lang = _language_in(argv) or default_language()
    try:
        return _main(argv, lang)
    except Exception as exc:  # the outer edge: even a failure outside a command is logged
        from geo.crashlog import unexpected_problem

        _Speaker(lang).error(unexpected_problem(exc, context="cli").text(lang))
        return EXIT_UNEXPECTED


def _main(argv: list[str], lang: str) -> int:
    parser = _parser(lang)
    args = parser.parse_args(argv)
    args.lang = getattr(args, "lang", None) or lang
    if not getattr(args, "handler", None):
        parser.print_help(sys.stderr)
        return EXIT_BAD_INPUT
    say = _Speaker(args.lang)
    code = EXIT_OK
    with _library_logs_to_file(context=f"cli {args.command}"), \
            warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CrecidaWarning)
        try:
            check_options(args)
            code = args.handler(args, say)
        except UnexpectedError as exc:  # already logged by the analysis
            say.error(exc.text(args.lang))
            code = EXIT_UNEXPECTED
        except CrecidaError as exc:
            say.error(error_text(exc, args.lang))
            _log_details(exc, lang=args.lang, context=f"cli {args.command}")
            code = EXIT_BAD_INPUT
        except KeyboardInterrupt:
            say.error(say.word("cli.interrupted"))
            code = EXIT_INTERRUPTED
        except Exception as exc:  # the edge: anything else is logged, never shown raw
            from geo.crashlog import unexpected_problem

            say.error(unexpected_problem(exc, context=f"cli {args.command}").text(args.lang))
            code = EXIT_UNEXPECTED
        finally:
            _report_warnings(caught, say, context=f"cli {args.command}")
    return code


def _log_details(exc: CrecidaError, *, lang: str, context: str) -> None:
    """An error whose problems quote a library's own (English) reason, shown in another
    language without it: its English text, with the reason, goes to the log file."""
    problems = getattr(exc, "problems", None) or []
    if lang != "en" and any(getattr(p, "detail", None) for p in problems):
        from geo.crashlog import log_text

        log_text(error_text(exc, "en"), context=context)


def _language_in(argv: Sequence[str]) -> str | None:
    """The value of ``--lang`` in ``argv`` when it is a known language (before parsing, so
    that the parser's own messages are in it)."""
    for i, arg in enumerate(argv):
        value = None
        if arg == "--lang" and i + 1 < len(argv):
            value = argv[i + 1]
        elif arg.startswith("--lang="):
            value = arg.partition("=")[2]
        if value in LANGUAGES:
            return value
    return None


def default_language(environ: Mapping[str, str] | None = None) -> str:
    """``es`` when the user's locale is Spanish, else ``en``.

    Reads ``LC_ALL``, ``LC_MESSAGES`` and ``LANG`` (the first set); on Windows, where they are
    usually unset, the system locale (``Spanish_Peru``…).
    """
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "").strip().lower()
        if value:
            return "es" if value.startswith(("es", "spanish")) else "en"
    if environ is None and sys.platform == "win32":
        import locale

        name = (locale.getlocale()[0] or "").lower()
        return "es" if name.startswith(("es", "spanish")) else "en"
    return "en"


def error_text(exc: BaseException, lang: str) -> str:
    """An error of Crecida's in ``lang`` (its problems when it has them)."""
    text = getattr(exc, "text", None)
    return text(lang) if callable(text) else str(exc)


def check_options(args: argparse.Namespace) -> None:
    """Refuse bad options and an unusable ``--out`` before any work (every problem at once).

    Raises
    ------
    InputError
        A parameter that is not finite or out of range, a ``--count`` that is not a whole
        number of sites, a bad ``--bbox``, an output name of the wrong format, a folder in
        its place or a folder that cannot be written to.
    """
    from geo.analysis import area_from_bbox, count_problem, parameter_problems
    from geo.export import output_path_problems

    values = {key: getattr(args, attr) for key, attr in (
        ("threshold_m", "threshold"), ("ring_radius_m", "access_radius"),
        ("service_distance_m", "service_distance_m"), ("catchment_mode", "mode"),
        ("datum_offset_m", "datum_offset"), ("slope_cm_per_km", "slope"),
        ("site_area_m2", "site_area_m2"))
        if getattr(args, attr, None) is not None}
    problems = parameter_problems(values, names=OPTION_NAMES)
    for stage in getattr(args, "stage", None) or []:
        problems += parameter_problems({"stage_m": stage}, names=OPTION_NAMES)
    if getattr(args, "count", None) is not None:
        problems += [p for p in (count_problem(args.count, source="--count"),) if p]
    if getattr(args, "bbox", None) is not None:
        try:
            area_from_bbox(*args.bbox)
        except InputError as exc:
            problems += exc.problems
    out = getattr(args, "out", None)
    if out is not None:
        if args.command in _GPKG_COMMANDS and not out.name.lower().endswith(".gpkg"):
            problems.append(Problem.keyed("output_not_gpkg", source="--out", name=out.name))
        problems += output_path_problems(out)
    if problems:
        raise InputError(problems)


class _Speaker:
    """Prints the command's messages: results on stdout, errors and warnings on stderr, in
    the user's language, with control characters from the data made visible."""

    def __init__(self, lang: str):
        self.lang = lang

    def word(self, key: str, **values: object) -> str:
        from geo.i18n import t

        return t(key, self.lang, **values)

    def number(self, value: object, *, decimals: int = 0) -> str:
        """A number written the user's way (:func:`geo.format.format_number`)."""
        from geo.format import format_number

        return format_number(value, self.lang, decimals=decimals)

    def scenario(self, name: str) -> str:
        """A scenario's name as the user reads it (the sample's, in their language)."""
        from geo.tables import scenario_label

        return scenario_label(name, self.lang)

    def out(self, text: str) -> None:
        print(printable(text))

    def note(self, item: Problem | str) -> None:
        """A note of a result (an assumption made on the way), indented under it."""
        self.out(f"  {self.word('cli.note')}: {localise(item, self.lang)}")

    def wrote(self, out: object, layers: Mapping[str, Sequence], *, extra: str = "") -> None:
        """The file written and its layers with their sizes."""
        listed = ", ".join(f"{k} ({self.number(len(v))})" for k, v in layers.items())
        self.out(self.word("cli.wrote_layers", out=out, layers=listed + extra))

    def error(self, text: str) -> None:
        print(f"crecida: {self.word('cli.error')}: {printable(text)}", file=sys.stderr)

    def warning(self, item: Problem | str) -> None:
        text = localise(item, self.lang)
        print(f"crecida: {self.word('cli.warning')}: {printable(text)}", file=sys.stderr)

    def decision(self, item: Problem | str) -> None:
        """How an input was read (a layer chosen, what nodata means, a unit…)."""
        text = localise(item, self.lang)
        print(f"crecida: {self.word('cli.decision')}: {printable(text)}", file=sys.stderr)


#: Characters never printed as they are: C0/C1 controls (but newline and tab) and the Unicode
#: bidirectional overrides, with which a file's text could rewrite or disguise the terminal.
_UNPRINTABLE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e"
                          "\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with control characters shown as escapes (``\\x1b``) instead of acting."""
    return _UNPRINTABLE.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                            else f"\\u{ord(m.group()):04x}", text)


def _report_warnings(caught: list[warnings.WarningMessage], say: _Speaker, *,
                     context: str) -> None:
    """Crecida's warnings on stderr in the user's language; other libraries' to the log."""
    others = []
    for w in caught:
        if issubclass(w.category, CrecidaWarning):
            item = w.message.args[0] if getattr(w.message, "args", None) else str(w.message)
            say.warning(item if isinstance(item, Problem) else str(item))
        else:
            others.append(f"{w.category.__name__}: {w.message} ({w.filename}:{w.lineno})")
    if others:
        from geo.crashlog import log_text

        log_text("\n".join(others), context=context)


@contextlib.contextmanager
def _library_logs_to_file(*, context: str) -> Iterator[None]:
    """Messages that libraries log (GDAL through rasterio…) go to the log file, not the screen."""
    from geo.crashlog import log_text

    class ToLogFile(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            log_text(f"{record.name} {record.levelname}: {record.getMessage()}",
                     context=context)

    handler = ToLogFile(level=logging.WARNING)
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)


# --------------------------------------------------------------------------- parsers


def _parser(lang: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m geo",
        description="Crecida: flood exposure, catchment and siting of collective centres. "
        "Inputs left out come from the bundled synthetic Iquitos sample.",
    )
    parser.add_argument("--lang", choices=LANGUAGES, default=None,
                        help="language of messages, warnings and exported maps (default: "
                        "Spanish when the locale is Spanish, else English)")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", dest="command")
    types = _Types(lang)

    p = sub.add_parser("validate", help="load and check the inputs; print a report")
    _add_inputs(p)
    _add_workspace(p)
    p.set_defaults(handler=_cmd_validate)

    p = sub.add_parser("exposure", help="centres and communities under every scenario")
    _add_inputs(p)
    _add_workspace(p)
    _add_exposure_options(p, types)
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
    _add_exposure_options(p, types)
    _add_scenario(p)
    _add_catchment_options(p)
    _add_out(p, "OUT.gpkg")
    p.set_defaults(handler=_cmd_catchment)

    p = sub.add_parser("siting", help="propose new collective centres")
    _add_inputs(p)
    _add_workspace(p)
    _add_exposure_options(p, types)
    _add_scenario(p)
    _add_siting_options(p, types, required=True)
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
    _add_exposure_options(p, types)
    _add_scenario(p)
    _add_area_options(p, types, required=True)
    p.add_argument("--out", type=Path, metavar="PATH",
                   help="also write the area as a layer (.gpkg .geojson .kml .csv …)")
    p.set_defaults(handler=_cmd_evaluate)

    p = sub.add_parser("stage", help="river stages: when each centre and community floods, "
                       "centres flooded by stage, a forecast's timeline")
    _add_inputs(p)
    _add_workspace(p)
    _add_exposure_options(p, types)
    p.add_argument("--forecast", type=Path, metavar="CSV",
                   help="dates and stages (gauge readings or a forecast): which centres go "
                   "under on which day")
    p.add_argument("--today", type=types.date, metavar="YYYY-MM-DD",
                   help="the day forecast lead times count from (default: today)")
    _add_out(p, "OUT.gpkg")
    p.set_defaults(handler=_cmd_stage)

    p = sub.add_parser(
        "season",
        help="a flood season: days flooded per community and centre, people exposed per "
        "district and date",
        description="A flood season from dated extents (e.g. one GFM extent per satellite "
        "pass). A community counts as flooded on a day when at least half of its observed "
        "area is flooded (--wet-share); days with no observation of it (nodata, outside the "
        "extent) are counted apart, never as dry. Writes the layers communities_season, "
        "centres_season and district_timeline, and a chart.",
    )
    p.add_argument(
        "--flood",
        action="append",
        required=True,
        metavar="DATE=PATH|FOLDER|GLOB|CSV",
        help="a dated extent (2012-03-15=extent.tif), a folder or glob of rasters with the "
        "date in their names, or a CSV of date,path rows; repeatable",
    )
    p.add_argument("--flood-kind", choices=("depth", "extent", "water_level"),
                   help="kind of every extent (default: guessed from the first)")
    p.add_argument("--communities", type=Path, metavar="PATH", help="community polygons")
    p.add_argument("--centres", type=Path, metavar="PATH", help="collective centres")
    p.add_argument("--dem", type=Path, metavar="PATH", help="DEM, for water-level extents")
    _add_threshold(p, types)
    p.add_argument(
        "--wet-share",
        type=types.number,
        metavar="SHARE",
        default=settings.SEASON_WET_SHARE,
        help="share of a community's observed area that must be flooded for the day to "
        f"count (default {settings.SEASON_WET_SHARE:g})",
    )
    p.add_argument("--workers", type=types.whole, metavar="N",
                   help="worker processes of the local Dask cluster (default: one per CPU)")
    p.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="an existing Dask scheduler (tcp://host:8786), used as it is, or 'synchronous' "
        "for no cluster (default: $CRECIDA_DASK_SCHEDULER, else a local cluster)",
    )
    p.add_argument("--chart", type=Path, metavar="PNG",
                   help="chart of people exposed per district (default: OUT_timeline.png)")
    _add_out(p, "OUT.gpkg")
    p.set_defaults(handler=_cmd_season)

    p = sub.add_parser("export", help="export layers and briefing maps (format by extension)")
    _add_inputs(p)
    _add_workspace(p)
    _add_exposure_options(p, types)
    _add_scenario(p)
    _add_catchment_options(p)
    _add_siting_options(p, types, required=False)
    _add_area_options(p, types, required=False)
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
    p.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS,
                   help="language of messages, warnings and exported maps")
    g = p.add_argument_group(
        "inputs (with none given, the synthetic sample; a multi-layer file or workbook takes "
        "PATH:LAYER or PATH:SHEET)")
    g.add_argument(
        "--centres",
        metavar="PATH[:LAYER]",
        help="collective centres: CSV/XLSX (HXL ok), GeoJSON, GPKG, SHP zip, KML/KMZ, GDB",
    )
    g.add_argument("--communities", metavar="PATH[:LAYER]",
                   help="community polygons, or points (e.g. INEI centros poblados)")
    g.add_argument(
        "--flood",
        action="append",
        metavar="[NAME=]PATH[:LAYER]",
        default=None,
        help="flood scenario raster (depth, 0/1 extent or water level) or vector extent "
        "(Copernicus EMS, UNOSAT, polygons); repeatable",
    )
    g.add_argument(
        "--flood-kind",
        action="append",
        metavar="[NAME=]KIND",
        default=None,
        help="kind of a scenario: depth, extent or water_level (default: guessed from values)",
    )
    g.add_argument(
        "--nodata-means",
        action="append",
        metavar="[NAME=]MEANING",
        default=None,
        help="what a raster's nodata cells mean: unobserved or dry (default: from the "
        "product and the values)",
    )
    g.add_argument("--depth-unit", action="append", metavar="[NAME=]UNIT", default=None,
                   help="unit of a depth raster: m or cm (default: from dtype and values)")
    g.add_argument(
        "--flood-classes",
        action="append",
        metavar="[NAME=]CLASS,…",
        default=None,
        help="classes of a vector extent counted as flood: flood, trace, possible, preflood, "
        "other (default: flood)",
    )
    g.add_argument(
        "--observed",
        action="append",
        metavar="[NAME=]PATH[:LAYER]",
        default=None,
        help="observed area of a scenario: polygons, or an exclusion mask raster on its grid "
        "(default: the product's own)",
    )
    g.add_argument("--districts", metavar="PATH[:LAYER]", help="district polygons")
    g.add_argument("--rivers", metavar="PATH[:LAYER]", help="river lines")
    g.add_argument("--dem", metavar="PATH", help="DEM raster (m a.s.l.)")
    g.add_argument("--population", metavar="PATH", help="population raster")
    g.add_argument(
        "--with-sample",
        action="store_true",
        help="fill the layers you leave out from the SYNTHETIC sample (marked in every output)",
    )


def _add_workspace(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--workspace",
        type=Path,
        metavar="FILE.gpkg",
        help="a planning workspace saved by the app (Guardar trabajo): its input files, "
        "parameters, scenario, drawn areas and proposed sites; options given here override "
        "its parameters, input options cannot be combined with it",
    )


def _add_threshold(p: argparse.ArgumentParser, types: _Types) -> None:
    p.add_argument(
        "--threshold",
        type=types.number,
        metavar="M",
        default=settings.FLOOD_THRESHOLD_M,
        help=f"flooded at or above this depth (default {settings.FLOOD_THRESHOLD_M})",
    )


def _add_exposure_options(p: argparse.ArgumentParser, types: _Types) -> None:
    _add_threshold(p, types)
    p.add_argument(
        "--access-radius",
        type=types.number,
        metavar="M",
        default=settings.ACCESS_RING_RADIUS_M,
        help=f"radius of the access ring around each centre (default "
        f"{settings.ACCESS_RING_RADIUS_M:g})",
    )
    p.add_argument(
        "--service-distance",
        type=types.number,
        metavar="M",
        dest="service_distance_m",
        default=settings.SERVICE_DISTANCE_M,
        help=f"farthest a displaced person is sent to a centre, in metres (default "
        f"{settings.SERVICE_DISTANCE_M:g})",
    )
    # Older names of --service-distance, kept working but not shown.
    for alias in ("--max-distance", "--radius"):
        p.add_argument(alias, type=types.number, dest="service_distance_m", help=argparse.SUPPRESS)
    _add_stage_options(p, types)


def _add_stage_options(p: argparse.ArgumentParser, types: _Types) -> None:
    g = p.add_argument_group("river stages (scenarios from the DEM and a gauge reading)")
    g.add_argument("--stage", type=types.number, action="append", metavar="M",
                   help="a river stage in m a.s.l. at the gauge, e.g. 117.8 (repeatable); "
                   "needs --dem, and replaces the flood scenarios unless --flood is given")
    g.add_argument("--stages", action="append", metavar="START:STOP:STEP",
                   help="a range of stages, e.g. 116:119:0.2")
    g.add_argument("--gauge", type=types.lonlat, metavar="LON,LAT",
                   help="the gauge whose readings the stages are (default: the water starts "
                   "from the rivers layer)")
    g.add_argument("--datum-offset", type=types.number, metavar="M",
                   default=settings.DATUM_OFFSET_M,
                   help="metres added to a reading to reach the DEM's vertical datum "
                   f"(default {settings.DATUM_OFFSET_M:g})")
    g.add_argument("--slope", type=types.number, metavar="CM_PER_KM",
                   default=settings.SLOPE_CM_PER_KM,
                   help="water-surface slope away from the gauge "
                   f"(default {settings.SLOPE_CM_PER_KM:g})")


def _stages_from_args(args: argparse.Namespace) -> list[float]:
    """The stages of ``--stage`` and ``--stages``, in order, each once."""
    from geo.stage import parse_stages

    stages = list(getattr(args, "stage", None) or [])
    for text in getattr(args, "stages", None) or []:
        stages += parse_stages(text)
    return list(dict.fromkeys(round(s, 2) for s in stages))


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


def _add_siting_options(p: argparse.ArgumentParser, types: _Types, *, required: bool
                        ) -> None:
    p.add_argument("--count", type=types.whole, required=required, metavar="K",
                   help="new sites to choose" + ("" if required else " (and export)"))
    p.add_argument(
        "--objective",
        choices=("coverage", "median"),
        default="coverage",
        help="maximise displaced covered, or minimise total weighted distance",
    )
    p.add_argument(
        "--site-area",
        type=types.number,
        metavar="M2",
        dest="site_area_m2",
        default=settings.NEW_SITE_AREA_M2,
        help=f"area of each new site in m² (default {settings.NEW_SITE_AREA_M2:g}); a site "
        "takes area ÷ 45 m² per person (Sphere), demand above it goes to the next site",
    )


def _add_area_options(p: argparse.ArgumentParser, types: _Types, *, required: bool) -> None:
    g = p.add_mutually_exclusive_group(required=required)
    g.add_argument("--area", type=Path, metavar="PATH",
                   help="polygon of the area (GeoJSON, GPKG, KML, zipped shapefile)")
    g.add_argument("--bbox", type=types.bbox, metavar="W,S,E,N",
                   help="a rectangle in degrees: west,south,east,north")


def _add_out(p: argparse.ArgumentParser, metavar: str) -> None:
    p.add_argument("--out", type=Path, required=True, metavar=metavar, help="output file")


class _Types:
    """Argument types that only parse (in the user's language); ranges are checked after
    parsing, with every other problem, by :func:`check_options`."""

    def __init__(self, lang: str):
        self.lang = lang

    def _fail(self, key: str, text: str) -> argparse.ArgumentTypeError:
        from geo.i18n import t

        return argparse.ArgumentTypeError(t(key, self.lang, value=printable(text)))

    def number(self, text: str) -> float:
        try:
            return float(text)
        except ValueError:
            raise self._fail("cli.not_a_number", text) from None

    def whole(self, text: str) -> int:
        try:
            return int(text)
        except ValueError:
            raise self._fail("cli.not_a_whole_number", text) from None

    def bbox(self, text: str) -> tuple[float, float, float, float]:
        parts = text.split(",")
        if len(parts) != 4:
            raise self._fail("cli.not_a_bbox", text)
        west, south, east, north = (self.number(v) for v in parts)
        return west, south, east, north

    def lonlat(self, text: str) -> tuple[float, float]:
        parts = text.split(",")
        if len(parts) != 2:
            raise self._fail("cli.not_lonlat", text)
        lon, lat = (self.number(v) for v in parts)
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise self._fail("cli.not_lonlat", text)
        return lon, lat

    def date(self, text: str):
        import datetime as dt

        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise self._fail("cli.not_a_date", text) from None


# --------------------------------------------------------------------------- inputs


def parse_flood_arg(text: str) -> tuple[str | None, Path]:
    """``NAME=PATH`` or ``PATH`` (a path that itself contains ``=`` is kept whole)."""
    name, sep, path = text.partition("=")
    if sep and name and "/" not in name and "\\" not in name and not Path(text).exists():
        return name.strip(), Path(path)
    return None, Path(text)


def split_layer(text: str | Path) -> tuple[Path, str | None]:
    """``PATH:LAYER`` → (PATH, LAYER); a path that exists as given (or has no ``:``) is kept
    whole, so ``C:\\data\\x.gpkg`` and names with colons still work."""
    text = str(text)
    if Path(text).exists() or ":" not in text:
        return Path(text), None
    path, _, layer = text.rpartition(":")
    if path and layer and "/" not in layer and "\\" not in layer:
        return Path(path), layer
    return Path(text), None


def _per_scenario(items: Sequence[str] | None, option: str) -> dict[str | None, str]:
    """``NAME=VALUE`` (or ``VALUE`` for every scenario) items of a repeatable option."""
    out: dict[str | None, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        if sep and name.strip() and value.strip():
            out[name.strip()] = value.strip()
        elif not sep and item.strip():
            out[None] = item.strip()
        else:
            raise InputError(Problem.keyed("cli_option_form", option=option, value=item))
    return out


def load_from_args(args: argparse.Namespace, say: _Speaker | None = None):
    """Load :class:`geo.inputs.Inputs` from the common input options.

    With ``say``, the sample banner (when the sample fills in) and the warnings and decisions
    about the user's own files are printed on stderr, in the user's language (``validate``
    prints them in its report instead).
    """
    from geo.flood import FloodSpec
    from geo.inputs import load_inputs

    workspace = _workspace(args)
    if workspace is not None:
        from geo.workspace import load_workspace_inputs

        inputs = load_workspace_inputs(workspace, WORKSPACE_FILES)
        if say is not None:
            _report_inputs(inputs, say)
        return inputs
    options = {key: _per_scenario(getattr(args, key, None), flag) for key, flag in (
        ("flood_kind", "--flood-kind"), ("nodata_means", "--nodata-means"),
        ("depth_unit", "--depth-unit"), ("flood_classes", "--flood-classes"),
        ("observed", "--observed"))}
    specs = []
    for item in args.flood or []:
        name, raw = parse_flood_arg(item)
        path, layer = split_layer(raw)
        key = name or path.stem

        def pick(option: str, key: str = key) -> str | None:
            chosen = options[option]
            return chosen.get(key, chosen.get(None))

        observed = pick("observed")
        observed_path, observed_layer = split_layer(observed) if observed else (None, None)
        classes = pick("flood_classes")
        specs.append(FloodSpec(
            path, name=name, layer=layer, kind=pick("flood_kind"),
            nodata_means=pick("nodata_means"), depth_unit=pick("depth_unit"),
            classes=tuple(c.strip() for c in classes.split(",") if c.strip()) if classes
            else None,
            observed=observed_path, observed_layer=observed_layer))
    paths: dict[str, Path | None] = {}
    layers: dict[str, str] = {}
    for key in ("centres", "communities", "districts", "rivers"):
        value = getattr(args, key, None)
        if value is None:
            paths[key] = None
            continue
        paths[key], layer = split_layer(value)
        if layer:
            layers[key] = layer
    inputs = load_inputs(
        **paths,
        floods=specs or None,
        dem=args.dem,
        population=args.population,
        layers=layers,
        with_sample=getattr(args, "with_sample", False),
        stages=bool(_stages_from_args(args)),
    )
    if say is not None:
        _report_inputs(inputs, say)
    return inputs


def _report_inputs(inputs, say: _Speaker) -> None:
    """The sample banner, and the warnings and decisions about the user's own files."""
    from geo.i18n import t

    own = [k for k in inputs.sources if k not in inputs.sample_layers]
    if inputs.sample_layers and own:
        say.warning(t("report.mixed_sample", say.lang, layers=", ".join(inputs.sample_layers)))
    for layer, items in inputs.decisions.items():
        if layer in own or layer == "inputs":
            for item in items:
                say.decision(item)
    for note in inputs.warning_items if own else ():
        say.warning(note)


def run_from_args(args: argparse.Namespace, say: _Speaker, *, desc: str):
    """The :class:`geo.analysis.PlanningRun` of the command's inputs and options (the inputs'
    warnings printed), or of ``--workspace FILE``: its inputs, its parameters unless an option
    sets another value, and its scenario when ``--scenario`` is not given."""
    from geo.analysis import Parameters, PlanningRun

    given = {
        "threshold_m": args.threshold,
        "ring_radius_m": args.access_radius,
        "service_distance_m": args.service_distance_m,
        "catchment_mode": getattr(args, "mode", "straight"),
        "respect_capacity": getattr(args, "respect_capacity", settings.RESPECT_CAPACITY),
        "exact": getattr(args, "exact", False),
        "gauge_lonlat": getattr(args, "gauge", None),
        "datum_offset_m": getattr(args, "datum_offset", settings.DATUM_OFFSET_M),
        "slope_cm_per_km": getattr(args, "slope", settings.SLOPE_CM_PER_KM),
    }
    workspace = _workspace(args)
    if workspace is not None:
        defaults = Parameters()
        saved = workspace.parameters.as_dict()
        # An option left at its default keeps the workspace's value; one set to another wins.
        given = {k: (v if v != getattr(defaults, k) else saved.get(k, v))
                 for k, v in given.items()}
        if getattr(args, "scenario", None) is None and workspace.scenario:
            args.scenario = workspace.scenario
    run = PlanningRun(load_from_args(args, say), Parameters(**given),
                      progress=progress_bar(desc))
    stages = _stages_from_args(args)
    if stages and getattr(args, "handler", None) is not _cmd_stage:
        run = run.with_stages(stages, keep_scenarios=bool(args.flood))
    return run


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
        if done >= total:  # this stage is over; a later one draws a new bar
            b.close()
            del bar["bar"]

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


def _cmd_validate(args: argparse.Namespace, say: _Speaker) -> int:
    from geo.inputs import validation_report

    inputs = load_from_args(args)  # the report lists the warnings itself
    say.out(validation_report(inputs, lang=say.lang))
    return EXIT_OK


def _write_gpkg(out: Path, layers: Mapping) -> None:
    """Results as the layers of one GeoPackage; a failed write names ``out``."""
    from geo.export import output_errors
    from geo.io import write_layers

    with output_errors(out):
        write_layers(out, layers)


def _cmd_exposure(args: argparse.Namespace, say: _Speaker) -> int:
    result = run_from_args(args, say, desc="exposure").exposure
    _write_gpkg(args.out, {
        "centres_exposure": result.centres,
        "communities_exposure": result.communities,
        "summary": result.summary,
    })
    say.out(say.word("cli.wrote_layers", out=args.out, layers=", ".join(
        say.word("cli.layer_rows", layer=name, n=say.number(len(frame))) for name, frame in (
            ("centres_exposure", result.centres), ("communities_exposure", result.communities),
            ("summary", result.summary)))))
    return EXIT_OK


def _cmd_catchment(args: argparse.Namespace, say: _Speaker) -> int:
    run = run_from_args(args, say, desc="catchment")
    name = run.scenario_name(args.scenario)
    assignment = run.catchment(name)
    layers = assignment.layers()
    _write_gpkg(args.out, layers)
    cap = layers["centres_capacity"]
    displaced = run.communities(name)["displaced_est"].sum()
    say.out(say.word("cli.catchment_summary", scenario=say.scenario(name),
                     displaced=say.number(int(displaced)),
                     overcrowded=say.number(cap["overcrowded"].sum()),
                     unserved=say.number(assignment.unserved_persons)))
    for note in assignment.notes:
        say.note(note)
    say.wrote(args.out, layers)
    return EXIT_OK


def _sites(run, args: argparse.Namespace, say: _Speaker, name: str, *, candidates=None,
           demand=None, weight=None):
    """Optimised sites for the command, or the best feasible answer with a warning."""
    from geo.errors import SolverError

    try:
        return run.optimise(args.count, scenario=name, objective=args.objective,
                            candidates=candidates, demand=demand, weight_col=weight,
                            site_area_m2=args.site_area_m2)
    except SolverError as exc:
        if exc.best is None:
            raise
        say.warning(say.word("msg.solver_best_feasible", message=error_text(exc, say.lang)))
        return exc.best


def _cmd_siting(args: argparse.Namespace, say: _Speaker) -> int:
    from geo.io import read_points

    run = run_from_args(args, say, desc="siting")
    name = run.scenario_name(args.scenario)
    demand = read_points(args.demand) if args.demand is not None else None
    candidates = read_points(args.candidates) if args.candidates else None
    sites = _sites(run, args, say, name, candidates=candidates, demand=demand,
                   weight=args.weight)
    layers = sites.layers()
    _write_gpkg(args.out, layers)
    new = layers["new_sites"]
    say.out(say.word("cli.siting_summary", scenario=say.scenario(name), n=say.number(len(new)),
                     objective=say.word(f"objective_{args.objective}"),
                     distance_m=say.number(args.service_distance_m)))
    for row in new.itertuples():
        # a position as it is pasted into a map or a GPS: decimal point, latitude first
        say.out("  " + say.word("cli.site", site=getattr(row, "site_id", row.Index),
                                persons=say.number(row.covered_weight),
                                lat=f"{row.geometry.y:.5f}", lon=f"{row.geometry.x:.5f}"))
    say.wrote(args.out, layers)
    return EXIT_OK


def _cmd_evaluate(args: argparse.Namespace, say: _Speaker) -> int:
    from geo.tables import area_nearest_table, area_scenarios_table

    area, label = _area_from_args(args)  # before the analysis: a bad area costs nothing
    run = run_from_args(args, say, desc="evaluate")
    name = run.scenario_name(args.scenario)
    report = run.evaluate(area, scenario=name, label=label)
    figures = report.layer.drop(columns=report.layer.geometry.name).iloc[0]
    say.out(say.word("cli.evaluate_title", scenario=say.scenario(name), label=label))
    for key, value in figures.items():
        say.out(f"  {_area_figure(key, value, say)}")
    say.out(say.word("e_flood_by_scenario") + ":")
    say.out(area_scenarios_table(report.scenarios, say.lang).display().to_string(index=False))
    say.out(say.word("e_nearest") + ":")
    say.out(area_nearest_table(report.nearest, say.lang).display().to_string(index=False))
    for note in report.notes:
        say.note(note)
    if args.out is not None:
        out = run.export(args.out, scenario=name, include=["evaluated_areas"], areas=[report],
                         lang=args.lang, writers=export_writers())
        say.out(say.word("cli.wrote_file", out=out))
    return EXIT_OK


#: Key of :mod:`geo.i18n` naming each figure of an evaluated area (the layer's columns).
_AREA_FIGURES: dict[str, str] = {
    "label": "cli.area.label",
    "scenario": "col_scenario",
    "area_m2": "e_area_m2",
    "capacity_site_persons": "e_capacity_site",
    "covered_area_needed_m2": "cli.area.covered_area_needed_m2",
    "capacity_if_all_covered_persons": "e_capacity_covered",
    "service_distance_m": "service_distance_m",
    "displaced_within_m": "e_served",
    "n_demand_within": "cli.area.n_demand_within",
}


def _area_figure(column: str, value: object, say: _Speaker) -> str:
    """``name: value`` of one figure of an evaluated area, in the user's language (a column
    without a name of its own keeps the layer's column name)."""
    import numpy as np

    from geo.tables import label

    if column.startswith("flood_"):
        return (say.word("cli.area.flood", scenario=say.scenario(column[6:])) + ": "
                + label("area", value, say.lang))
    name = say.word(_AREA_FIGURES[column]) if column in _AREA_FIGURES else column
    if column == "scenario":
        shown = say.scenario(str(value))
    elif isinstance(value, float | int | np.number) and not isinstance(value, bool):
        shown = say.number(value)  # whole m², metres and persons
    else:
        shown = str(value)
    return f"{name}: {shown}"


def _cmd_export(args: argparse.Namespace, say: _Speaker) -> int:
    from geo.export import export_format

    area, label = _area_from_args(args)  # before the analysis: a bad area costs nothing
    run = run_from_args(args, say, desc="export")
    name = run.scenario_name(args.scenario)
    workspace = _workspace(args)
    sites = _sites(run, args, say, name) if args.count is not None else (
        workspace.sites if workspace is not None else None)
    areas = [run.evaluate(area, scenario=name, label=label)] if area is not None else (
        [run.evaluate(a, scenario=name, label=f"area {i}")
         for i, a in enumerate(workspace.areas, 1)] if workspace is not None else [])
    out = run.export(args.out, scenario=name, layer=args.layer, sites=sites, areas=areas,
                     lang=args.lang, writers=export_writers())
    say.out(say.word("cli.wrote_export", out=out, format=export_format(out),
                     scenario=say.scenario(name)))
    return EXIT_OK


def _cmd_stage(args: argparse.Namespace, say: _Speaker) -> int:
    from geo.io.tables import read_table

    run = run_from_args(args, say, desc="stage")
    stages = _stages_from_args(args)
    if not stages:
        low, high = settings.STAGE_RANGE_M
        stages = [round(low + i * 0.1, 2) for i in range(round((high - low) / 0.1) + 1)]
    curves = run.stage_curves()
    table = run.stage_table(stages)
    layers = {"centres_stage": curves.centres, "communities_stage": curves.communities,
              "flooded_by_stage": table}
    totals = table.groupby("stage_m", sort=True)[["centres_flooded", "centres_isolated",
                                                  "pop_exposed"]].sum()
    headers = [say.word(f"cli.stage.col_{c}")
               for c in ("stage", "flooded", "isolated", "exposed")]
    say.out("  ".join(headers))
    for stage, row in totals.iterrows():
        cells = (say.number(stage, decimals=2), say.number(row["centres_flooded"]),
                 say.number(row["centres_isolated"]), say.number(row["pop_exposed"]))
        say.out("  ".join(cell.rjust(len(h)) for cell, h in zip(cells, headers, strict=True)))
    if args.forecast is not None:
        frame, _hxl = read_table(args.forecast, label=args.forecast.name)
        timeline = run.forecast(frame, today=args.today, source=args.forecast.name)
        layers |= {"forecast_centres": timeline.centres, "forecast_days": timeline.days}
        say.out(say.word("cli.forecast_from", date=timeline.today.isoformat()))
        for day in timeline.days.itertuples():
            went = (say.word("cli.forecast_flooded", names=day.newly_flooded)
                    if day.newly_flooded else "")
            say.out(f"  {day.date:%Y-%m-%d} ({day.days_ahead:+d} d) "
                    f"{say.number(day.stage_m, decimals=2)} m{went}")
        for note in timeline.notes:
            if note not in curves.notes:
                say.note(note)
    for note in curves.notes:
        say.note(note)
    _write_gpkg(args.out, layers)
    say.wrote(args.out, layers)
    return EXIT_OK


def _cmd_season(args: argparse.Namespace, say: _Speaker) -> int:
    from geo.analysis import Parameters, PlanningRun
    from geo.inputs import load_inputs
    from geo.io.files import atomic_path
    from geo.raster import open_raster
    from geo.season import open_season, season_figure, season_sources

    if args.workers is not None and args.workers < 1:
        raise InputError(Problem.keyed("cli_workers_too_few", value=args.workers))
    if not 0 < args.wet_share <= 1:
        raise InputError(Problem.keyed("cli_wet_share_range", value=f"{args.wet_share:g}"))
    sources = season_sources(args.flood)
    # The season's first extent stands in for the scenarios (not the sample's): the layers
    # are checked against it, and no sample flood is loaded.
    first = sources[0][0].isoformat()
    inputs = load_inputs(centres=args.centres, communities=args.communities,
                         floods=[(first, sources[0][1])], dem=args.dem,
                         flood_kinds={first: args.flood_kind} if args.flood_kind else None)
    dem = open_raster(args.dem) if args.dem is not None else None
    extents, notes = open_season(sources, kind=args.flood_kind, dem=dem)
    run = PlanningRun(inputs, Parameters(threshold_m=args.threshold),
                      progress=progress_bar("season"))
    result = run.season(extents, wet_share=args.wet_share, workers=args.workers,
                        scheduler=args.scheduler)
    _write_gpkg(args.out, result.layers())
    chart = args.chart or args.out.with_name(f"{args.out.stem}_timeline.png")
    with atomic_path(chart) as tmp:
        season_figure(result.timeline, lang=say.lang).savefig(tmp, format="png")
    flooded = int((result.communities["days_flooded"] > 0).sum())
    say.out(say.word("cli.season_summary", first=result.dates[0].isoformat(),
                     last=result.dates[-1].isoformat(), n=say.number(len(result.dates)),
                     tasks=say.number(result.tasks), flooded=say.number(flooded),
                     total=say.number(len(result.communities))))
    for note in [*notes, *result.notes]:
        say.note(note)
    say.wrote(args.out, result.layers(), extra=f"; {chart}")
    return EXIT_OK
