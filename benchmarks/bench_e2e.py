"""End-to-end benchmark: ``python -m geo exposure`` as a user runs it, against the floors.

For each raster size (16, 64, 256 Mpx), number of communities (100 … 10,000) and number of
scenarios (1, 3, 10), in the same run and each in its own subprocess (wall time and peak RSS
of that process, ``ru_maxrss``):

``cli``
    ``python -m geo exposure --communities … --centres … --flood … --out …`` — the whole
    command: interpreter start, imports, reading and validating the inputs, the exposure of
    every scenario and the GeoPackage written;
``read``
    the raw threaded read of the same scenarios, window by window (the physical floor; the
    time is measured around the read only, interpreter start and imports excluded);
``exactextract``
    ``exactextract.exact_extract`` with ``count``, ``max`` and ``mean`` for every scenario
    (polygons read from the same file; time measured around the extraction);
``rasterstats``
    ``rasterstats.zonal_stats`` with ``count``, ``max`` and ``mean`` (only where asked:
    it takes minutes at 10,000 polygons).

Inputs are built once under ``benchmarks/_data/e2e/`` (git-ignored) and are seeded: smooth
synthetic depth fields (float32, 512 × 512 tiles, DEFLATE + predictor, EPSG:32718, 10 m
cells, about half dry, a diagonal band of nodata), three distinct fields per size (further
scenarios are byte copies under other names), star-shaped community polygons with
population and district, and 200 centres as a CSV with lat/lon.

Usage::

    python benchmarks/bench_e2e.py --mpx 16,64 --communities 100,1000,3000,10000 --scenarios 1
    python benchmarks/bench_e2e.py --mpx 64 --communities 1000 --scenarios 1,3,10 --repeat 2
    python benchmarks/bench_e2e.py --table            # print the recorded results

Results are appended to ``benchmarks/_data/e2e/results.jsonl`` (one JSON object a line,
with the load average before each run) and printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "_data" / "e2e"
RESULTS = DATA / "results.jsonl"
CELL_M = 10.0
ORIGIN = (600_000.0, 9_650_000.0)     # EPSG:32718, north-west of Iquitos
SEED = 20120402
THRESHOLD_M = 0.1
N_CENTRES = 200
FIELDS = (1.0, 1.15, 1.3)              # depth scale of the three distinct scenario fields


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------
def side(mpx: int) -> int:
    return round(np.sqrt(mpx * 1e6))


def _field_path(mpx: int, k: int) -> Path:
    return DATA / f"depth_{mpx}mpx_f{k}.tif"


def build_field(mpx: int, k: int) -> Path:
    """A smooth synthetic depth field (m, 0.01 m steps), ``FIELDS[k]`` times deeper."""
    import rasterio
    from rasterio.transform import from_origin

    path = _field_path(mpx, k)
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    n = side(mpx)
    rng = np.random.default_rng(SEED + mpx)
    waves = rng.uniform(0.5, 3.0, size=(6, 2)) * 2 * np.pi / n * 8
    phases = rng.uniform(0, 2 * np.pi, size=6)
    tmp = path.with_suffix(".tmp.tif")
    profile = dict(driver="GTiff", width=n, height=n, count=1, dtype="float32",
                   crs="EPSG:32718", transform=from_origin(*ORIGIN, CELL_M, CELL_M),
                   nodata=-9999.0, tiled=True, blockxsize=512, blockysize=512,
                   compress="deflate", predictor=3, num_threads="all_cpus", bigtiff="yes")
    cols = np.arange(n, dtype=np.float32)
    with rasterio.open(tmp, "w", **profile) as ds:
        for r0 in range(0, n, 512):
            rows = np.arange(r0, min(n, r0 + 512), dtype=np.float32)[:, None]
            z = np.zeros((rows.shape[0], n), dtype=np.float32)
            for (kx, ky), ph in zip(waves, phases, strict=True):
                z += np.sin(cols * np.float32(kx) + rows * np.float32(ky) + np.float32(ph))
            depth = np.round(np.maximum(z - 0.6, 0) * 0.8 * FIELDS[k], 2).astype(np.float32)
            depth[np.abs((cols - rows) / n - 0.3) < 0.004] = -9999.0
            ds.write(depth, 1, window=((r0, r0 + rows.shape[0]), (0, n)))
    tmp.rename(path)
    return path


def scenario_paths(mpx: int, count: int) -> list[Path]:
    """``count`` scenario files: the three fields, then byte copies under other names."""
    out = []
    for i in range(count):
        k = i % len(FIELDS)
        src = build_field(mpx, k)
        path = src if i < len(FIELDS) else DATA / f"depth_{mpx}mpx_s{i}.tif"
        if not path.exists():
            shutil.copyfile(src, path)
        out.append(path)
    return out


def communities_path(mpx: int, n: int) -> Path:
    """``n`` star-shaped polygons on a jittered grid over the raster (some with holes, a few
    multipolygons, a few partly outside), with population and one of 40 districts."""
    import geopandas as gpd
    import shapely

    path = DATA / f"communities_{mpx}mpx_{n}.gpkg"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED + n)
    side_m = side(mpx) * CELL_M
    x0, y1 = ORIGIN
    y0 = y1 - side_m
    grid = int(np.ceil(np.sqrt(n)))
    spacing = side_m / grid
    radius = min(spacing * 0.33, 1500.0)       # communities are villages, not districts
    geoms = []
    for k in range(n):
        i, j = divmod(k, grid)
        cx = x0 + (j + 0.5 + rng.uniform(-0.15, 0.15)) * spacing
        cy = y0 + (i + 0.5 + rng.uniform(-0.15, 0.15)) * spacing
        if k % 97 == 0:
            cx = x0 + rng.uniform(-0.2, 0.2) * radius
        nv = int(rng.integers(12, 40))
        ang = np.sort(rng.uniform(0, 2 * np.pi, nv))
        rad = radius * rng.uniform(0.55, 1.0, nv)
        geom = shapely.Polygon(np.c_[cx + rad * np.cos(ang), cy + rad * np.sin(ang)])
        if k % 7 == 0:
            geom = geom.difference(shapely.Point(cx, cy).buffer(radius * 0.2))
        if k % 31 == 0 and geom.geom_type == "Polygon":
            geom = shapely.MultiPolygon([geom, shapely.Point(cx + radius * 1.2, cy)
                                         .buffer(radius * 0.15)])
        geoms.append(shapely.make_valid(geom))
    gdf = gpd.GeoDataFrame(
        {"community_id": [f"C{k:05d}" for k in range(n)],
         "name": [f"Comunidad {k}" for k in range(n)],
         "district": [f"Distrito {k % 40:02d}" for k in range(n)],
         "population": rng.integers(50, 5000, n)},
        geometry=geoms, crs="EPSG:32718")
    gdf.to_file(path, driver="GPKG")
    return path


def centres_path(mpx: int) -> Path:
    """200 centres as a planner's CSV (lat/lon, persons, status)."""
    import geopandas as gpd

    path = DATA / f"centres_{mpx}mpx.csv"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(SEED)
    side_m = side(mpx) * CELL_M
    x0, y1 = ORIGIN
    pts = gpd.GeoSeries(gpd.points_from_xy(rng.uniform(x0, x0 + side_m, N_CENTRES),
                                           rng.uniform(y1 - side_m, y1, N_CENTRES)),
                        crs="EPSG:32718").to_crs("EPSG:4326")
    lines = ["centre_id,name,kind,district,families,persons,status,lat,lon"]
    for k, p in enumerate(pts):
        persons = int(rng.integers(0, 400))
        lines.append(f"A{k:04d},Albergue {k},school,Distrito {k % 40:02d},"
                     f"{persons // 5},{persons},open,{p.y:.6f},{p.x:.6f}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# Contenders (each in a fresh subprocess: ``--run NAME --mpx M --n N --s S``)
# --------------------------------------------------------------------------------------------
def run_read(mpx: int, n: int, s: int) -> dict:
    import rasterio
    from rasterio.windows import Window

    from geo import settings
    from geo.raster import gdal_env

    paths = scenario_paths(mpx, s)
    t0 = time.perf_counter()
    cells = 0
    with gdal_env():
        for path in paths:
            with rasterio.open(path) as ds:
                for r0 in range(0, ds.height, settings.WINDOW_ROWS):
                    h = min(settings.WINDOW_ROWS, ds.height - r0)
                    for c0 in range(0, ds.width, settings.ZONAL_WINDOW_COLS):
                        w = min(settings.ZONAL_WINDOW_COLS, ds.width - c0)
                        cells += ds.read(1, window=Window(c0, r0, w, h)).size
    return {"inner_s": time.perf_counter() - t0, "cells": cells}


def run_exactextract(mpx: int, n: int, s: int) -> dict:
    import geopandas as gpd
    from exactextract import exact_extract

    polys = gpd.read_file(communities_path(mpx, n))
    paths = scenario_paths(mpx, s)
    t0 = time.perf_counter()
    for path in paths:
        exact_extract(str(path), polys, ["count", "max", "mean"], output="pandas")
    return {"inner_s": time.perf_counter() - t0}


def run_rasterstats(mpx: int, n: int, s: int) -> dict:
    import warnings

    import geopandas as gpd
    from rasterstats import zonal_stats

    polys = gpd.read_file(communities_path(mpx, n))
    paths = scenario_paths(mpx, s)
    t0 = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for path in paths:
            zonal_stats(list(polys.geometry), str(path), stats=["count", "max", "mean"])
    return {"inner_s": time.perf_counter() - t0}


CONTENDERS = {"read": run_read, "exactextract": run_exactextract,
              "rasterstats": run_rasterstats}


def cli_command(mpx: int, n: int, s: int, out: Path) -> list[str]:
    cmd = [sys.executable, "-m", "geo", "exposure",
           "--communities", str(communities_path(mpx, n)),
           "--centres", str(centres_path(mpx)), "--threshold", str(THRESHOLD_M),
           "--out", str(out)]
    for i, path in enumerate(scenario_paths(mpx, s)):
        cmd += ["--flood", f"s{i:02d}={path}"]
    return cmd


def _load() -> float:
    return os.getloadavg()[0]


def measure(name: str, mpx: int, n: int, s: int) -> dict:
    """Run one contender in a subprocess; wall time, peak RSS and the load before it."""
    load = _load()
    with tempfile.TemporaryDirectory(prefix="crecida_bench_") as tmp:
        if name == "cli":
            cmd = cli_command(mpx, n, s, Path(tmp) / "out.gpkg")
        else:
            cmd = [sys.executable, __file__, "--run", name, "--mpx", str(mpx), "--n", str(n),
                   "--s", str(s), "--result", str(Path(tmp) / "r.json")]
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "PYTHONPATH": str(ROOT)})
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)     # this child's own peak RSS
        wall = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise SystemExit(f"{name} failed:\n{err[-3000:]}")
        extra = (json.loads((Path(tmp) / "r.json").read_text()) if name != "cli" else {})
    return {"contender": name, "mpx": mpx, "communities": n, "scenarios": s,
            "wall_s": round(wall, 3), "time_s": round(extra.get("inner_s", wall), 3),
            "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
            "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
            "load1_before": round(load, 2), "load1_after": round(_load(), 2),
            "when_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())}


def table(rows: list[dict]) -> str:
    """Markdown: one line per configuration, times in seconds (best of the repeats)."""
    best: dict[tuple, dict[str, dict]] = {}
    for r in rows:
        key = (r["mpx"], r["communities"], r["scenarios"])
        cur = best.setdefault(key, {}).get(r["contender"])
        if cur is None or r["time_s"] < cur["time_s"]:
            best[key][r["contender"]] = r
    lines = ["| raster | communities | scenarios | CLI (s) | CLI CPU (s) | read (s) | CLI ÷ read | "
             "CLI − 1.5 × read (s) | exactextract (s) | exactextract ÷ CLI | rasterstats (s) "
             "| CLI peak RSS (MB) | load |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for (mpx, n, s), got in sorted(best.items()):
        cli, rd = got.get("cli"), got.get("read")
        ee, rs = got.get("exactextract"), got.get("rasterstats")

        def f(r, k="time_s"):
            return f"{r[k]:.2f}" if r else "–"
        ratio = f"{cli['time_s'] / rd['time_s']:.1f}" if cli and rd else "–"
        over = f"{cli['time_s'] - 1.5 * rd['time_s']:.2f}" if cli and rd else "–"
        speed = f"{ee['time_s'] / cli['time_s']:.2f}" if cli and ee else "–"
        loads = [r["load1_before"] for r in got.values()]
        cpu = f"{cli['cpu_s']:.2f}" if cli and "cpu_s" in cli else "–"
        lines.append(f"| {mpx} Mpx | {n:,} | {s} | {f(cli)} | {cpu} | {f(rd)} | {ratio} | "
                     f"{over} | "
                     f"{f(ee)} | {speed} | {f(rs)} | "
                     f"{cli['peak_rss_mb'] if cli else '–'} | "
                     f"{min(loads):.1f}–{max(loads):.1f} |")
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mpx", default="16")
    p.add_argument("--communities", default="1000")
    p.add_argument("--scenarios", default="1")
    p.add_argument("--only", default="read,cli,exactextract",
                   help="contenders: read, cli, exactextract, rasterstats")
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--table", action="store_true", help="print the recorded results")
    p.add_argument("--run", help=argparse.SUPPRESS)
    p.add_argument("--n", type=int, help=argparse.SUPPRESS)
    p.add_argument("--s", type=int, help=argparse.SUPPRESS)
    p.add_argument("--result", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.run:
        out = CONTENDERS[args.run](int(args.mpx), args.n, args.s)
        Path(args.result).write_text(json.dumps(out))
        return
    if args.table:
        rows = [json.loads(x) for x in RESULTS.read_text().splitlines() if x.strip()]
        print(table(rows))
        return
    print(f"# {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
          file=sys.stderr)
    rows = []
    for mpx in (int(v) for v in args.mpx.split(",")):
        for n in (int(v) for v in args.communities.split(",")):
            communities_path(mpx, n)
            centres_path(mpx)
            for s in (int(v) for v in args.scenarios.split(",")):
                scenario_paths(mpx, s)
                for _ in range(args.repeat):
                    for name in args.only.split(","):
                        row = measure(name, mpx, n, s)
                        rows.append(row)
                        with RESULTS.open("a", encoding="utf-8") as fh:
                            fh.write(json.dumps(row) + "\n")
                        print(json.dumps(row), file=sys.stderr)
    print(table(rows))


if __name__ == "__main__":
    main()
