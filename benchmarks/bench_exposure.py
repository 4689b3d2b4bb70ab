"""Benchmark of the flood exposure engine against a raw read, rasterstats and exactextract.

Builds seeded synthetic inputs under ``benchmarks/_data/`` (git-ignored; built once, reused):
depth rasters of 16, 144 and 900 Mpx (float32, tiled 512 × 512, DEFLATE, EPSG:32718, 10 m
cells), 2,000 community polygons (some with holes, a few multipolygons, a few partly outside
the raster) and 10,000 centre points. A second scenario on the same grid is the same field
1.3 times deeper, written the same way.

Each contender runs in its own subprocess so that its peak RSS can be read from
``resource.getrusage(RUSAGE_CHILDREN).ru_maxrss``:

``read``
    the raster read window by window with threaded decoding and nothing else (the floor);
``engine``
    :func:`geo.zonal.zonal_flood_stats` on one scenario (cell centre in polygon);
``engine_2sc``
    the same on two scenarios of the same grid in one pass (rasterising once);
``engine_exact``
    the engine with ``exact=True`` (coverage fractions);
``rasterstats`` / ``rasterstats_nb``
    ``rasterstats.zonal_stats`` with its defaults, and with ``boundless=False``;
``exactextract``
    ``exactextract.exact_extract`` with the ``count`` and ``sum`` of a flooded mask;
``centres``
    :func:`geo.exposure.assess_centres` on the 10,000 points.

It checks that flooded cell counts per polygon equal rasterstats' exactly and that exact
flooded areas equal exactextract's within 1e-6 relative.

Usage::

    python benchmarks/bench_exposure.py --sizes 16,144,900
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
ROOT = HERE.parent
CELL_M = 10.0
ORIGIN = (500_000.0, 9_700_000.0)
THRESHOLD_M = 0.1
N_POLYGONS = 2000
N_CENTRES = 10_000
SEED = 20120401


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------
def _side(mpx: int) -> int:
    return round(np.sqrt(mpx * 1e6))


def raster_path(mpx: int) -> Path:
    return DATA / f"depth_{mpx}mpx.tif"


def build_raster(mpx: int, *, scale: float = 1.0) -> Path:
    """Write a smooth synthetic depth raster (metres, 0.01 m steps, ~55 % dry, some nodata).

    ``scale`` multiplies the depths (a second, deeper scenario on the same grid).
    """
    import rasterio
    from rasterio.transform import from_origin

    path = raster_path(mpx) if scale == 1.0 else DATA / f"depth_{mpx}mpx_x{scale:g}.tif"
    if path.exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    side = _side(mpx)
    rng = np.random.default_rng(SEED + mpx)
    waves = rng.uniform(0.5, 3.0, size=(6, 2)) * 2 * np.pi / side * 8
    phases = rng.uniform(0, 2 * np.pi, size=6)
    tmp = path.with_suffix(".tmp.tif")
    profile = dict(driver="GTiff", width=side, height=side, count=1, dtype="float32",
                   crs="EPSG:32718", transform=from_origin(*ORIGIN, CELL_M, CELL_M),
                   nodata=-9999.0, tiled=True, blockxsize=512, blockysize=512,
                   compress="deflate", predictor=3, num_threads="all_cpus", bigtiff="yes")
    cols = np.arange(side, dtype=np.float32)
    with rasterio.open(tmp, "w", **profile) as ds:
        for r0 in range(0, side, 512):
            rows = np.arange(r0, min(side, r0 + 512), dtype=np.float32)[:, None]
            z = np.zeros((rows.shape[0], side), dtype=np.float32)
            for (kx, ky), ph in zip(waves, phases, strict=True):
                z += np.sin(cols * np.float32(kx) + rows * np.float32(ky) + np.float32(ph))
            depth = np.round(np.maximum(z - 0.6, 0) * 0.8 * scale, 2).astype(np.float32)
            # nodata: a diagonal band of no observation (as under radar layover)
            band = np.abs((cols - rows) / side - 0.3) < 0.004
            depth[band] = -9999.0
            ds.write(depth, 1, window=((r0, r0 + rows.shape[0]), (0, side)))
    tmp.rename(path)
    return path


def second_scenario(mpx: int) -> Path:
    """The same field 1.3 times deeper, as its own GeoTIFF on the same grid."""
    return build_raster(mpx, scale=1.3)


def build_vectors(mpx: int) -> tuple[Path, Path]:
    """2,000 star-shaped community polygons on a jittered grid and 10,000 centre points."""
    import geopandas as gpd
    import shapely

    polys = DATA / f"communities_{mpx}mpx.gpkg"
    pts = DATA / f"centres_{mpx}mpx.gpkg"
    if polys.exists() and pts.exists():
        return polys, pts
    side_m = _side(mpx) * CELL_M
    x0, y1 = ORIGIN
    y0 = y1 - side_m
    rng = np.random.default_rng(SEED)
    n_grid = int(np.ceil(np.sqrt(N_POLYGONS)))
    spacing = side_m / n_grid
    geoms = []
    for k in range(N_POLYGONS):
        i, j = divmod(k, n_grid)
        cx = x0 + (j + 0.5 + rng.uniform(-0.15, 0.15)) * spacing
        cy = y0 + (i + 0.5 + rng.uniform(-0.15, 0.15)) * spacing
        if k % 97 == 0:  # partly outside the raster
            cx = x0 + rng.uniform(-0.1, 0.1) * spacing
        n_v = int(rng.integers(12, 48))
        ang = np.sort(rng.uniform(0, 2 * np.pi, n_v))
        rad = spacing * 0.33 * rng.uniform(0.55, 1.0, n_v)
        shell = np.c_[cx + rad * np.cos(ang), cy + rad * np.sin(ang)]
        geom = shapely.Polygon(shell)
        if k % 7 == 0:  # a hole
            geom = geom.difference(shapely.Point(cx, cy).buffer(spacing * 0.08))
        if k % 31 == 0:  # a multipolygon: an islet next to it
            islet = shapely.Point(cx + spacing * 0.4, cy).buffer(spacing * 0.05)
            geom = shapely.MultiPolygon([geom, islet]) if geom.geom_type == "Polygon" else geom
        geoms.append(shapely.make_valid(geom))
    gdf = gpd.GeoDataFrame(
        {"community_id": [f"C{k:05d}" for k in range(N_POLYGONS)],
         "name": [f"Synthetic {k}" for k in range(N_POLYGONS)],
         "district": [f"D{k % 4}" for k in range(N_POLYGONS)],
         "population": rng.integers(50, 5000, N_POLYGONS)},
        geometry=geoms, crs="EPSG:32718",
    )
    gdf.to_file(polys, driver="GPKG")
    px = rng.uniform(x0, x0 + side_m, N_CENTRES)
    py = rng.uniform(y0, y1, N_CENTRES)
    cgdf = gpd.GeoDataFrame(
        {"centre_id": [f"A{k:05d}" for k in range(N_CENTRES)],
         "district": [f"D{k % 4}" for k in range(N_CENTRES)],
         "persons": rng.integers(0, 400, N_CENTRES)},
        geometry=gpd.points_from_xy(px, py), crs="EPSG:32718",
    )
    cgdf.to_file(pts, driver="GPKG")
    return polys, pts


# --------------------------------------------------------------------------------------------
# Contenders (each runs in a fresh subprocess: ``--run NAME --mpx N``)
# --------------------------------------------------------------------------------------------
@functools.lru_cache(maxsize=2)
def _load(mpx: int):
    import geopandas as gpd

    polys, pts = build_vectors(mpx)
    return gpd.read_file(polys), gpd.read_file(pts)


def run_read(mpx: int) -> dict:
    import rasterio
    from rasterio.windows import Window

    from geo import settings
    from geo.raster import gdal_env

    n = 0
    with gdal_env(), rasterio.open(raster_path(mpx)) as ds:
        for r0 in range(0, ds.height, settings.WINDOW_ROWS):
            h = min(settings.WINDOW_ROWS, ds.height - r0)
            for c0 in range(0, ds.width, settings.ZONAL_WINDOW_COLS):
                w = min(settings.ZONAL_WINDOW_COLS, ds.width - c0)
                arr = ds.read(1, window=Window(c0, r0, w, h))
                n += arr.size
    return {"cells": n}


def _engine(mpx: int, *, exact: bool, two: bool) -> dict:
    from geo.flood import open_flood
    from geo.zonal import zonal_flood_stats

    polys, _ = _load(mpx)
    scenarios = [open_flood(raster_path(mpx), name="a", kind="depth")]
    if two:
        scenarios.append(open_flood(second_scenario(mpx), name="b", kind="depth"))
    stats = zonal_flood_stats(polys.geometry, scenarios, threshold_m=THRESHOLD_M, exact=exact)
    first = stats[0]
    return {"flooded_cells": first.flooded_cells.tolist(),
            "flooded_area_m2": first.flooded_area_m2.tolist()}


def run_engine(mpx: int) -> dict:
    return _engine(mpx, exact=False, two=False)


def run_engine_2sc(mpx: int) -> dict:
    return _engine(mpx, exact=False, two=True)


def run_engine_exact(mpx: int) -> dict:
    return _engine(mpx, exact=True, two=False)


def _rasterstats(mpx: int, boundless: bool) -> dict:
    import warnings

    import rasterio
    import shapely
    from rasterstats import zonal_stats

    polys, _ = _load(mpx)
    geoms = polys.geometry.to_numpy()
    if not boundless:  # rasterstats refuses windows outside the raster: clip to it first
        with rasterio.open(raster_path(mpx)) as ds:
            geoms = shapely.clip_by_rect(geoms, *ds.bounds)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = zonal_stats(
            list(geoms), str(raster_path(mpx)), stats=[], boundless=boundless,
            add_stats={"flooded": lambda a: int(np.ma.sum(a >= THRESHOLD_M))},
        )
    return {"flooded_cells": [int(r["flooded"] or 0) for r in res]}


def run_rasterstats(mpx: int) -> dict:
    return _rasterstats(mpx, True)


def run_rasterstats_nb(mpx: int) -> dict:
    return _rasterstats(mpx, False)


def run_exactextract(mpx: int) -> dict:
    from exactextract import exact_extract

    polys, _ = _load(mpx)

    def flooded(values, coverage):  # coverage-weighted count of flooded cells
        v = np.ma.filled(np.ma.asarray(values, dtype=np.float64), np.nan)
        return float(np.sum(np.asarray(coverage)[v >= THRESHOLD_M]))

    res = exact_extract(str(raster_path(mpx)), polys, [flooded, "count"], output="pandas")
    return {"flooded_area_m2": (res["flooded"].to_numpy() * CELL_M * CELL_M).tolist()}


def run_centres(mpx: int) -> dict:
    from geo.exposure import assess_centres
    from geo.flood import open_flood

    _, pts = _load(mpx)
    res = assess_centres(pts, open_flood(raster_path(mpx), name="a", kind="depth"))
    return {"status": res["status"].value_counts().to_dict()}


RUNNERS = {
    "read": run_read, "engine": run_engine, "engine_2sc": run_engine_2sc,
    "engine_exact": run_engine_exact, "rasterstats": run_rasterstats,
    "rasterstats_nb": run_rasterstats_nb, "exactextract": run_exactextract,
    "centres": run_centres,
}


def _child(name: str, mpx: int, out: Path) -> None:
    sys.path.insert(0, str(ROOT))
    if name != "read":
        _load(mpx)  # reading the vector files is not timed
    t0 = time.perf_counter()
    result = RUNNERS[name](mpx)
    result["seconds"] = time.perf_counter() - t0
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.write_text(json.dumps(result))


def _spawn(name: str, mpx: int) -> dict:
    out = DATA / f"_result_{name}_{mpx}.json"
    out.unlink(missing_ok=True)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    subprocess.run([sys.executable, __file__, "--run", name, "--mpx", str(mpx),
                    "--out", str(out)], check=True, cwd=ROOT)
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    result = json.loads(out.read_text())
    # RUSAGE_CHILDREN is a running maximum over children; the child's own figure is exact.
    result["children_max_rss_mb"] = max(before, after) / 1024
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="16,144,900", help="raster sizes in Mpx, e.g. 16,144")
    ap.add_argument("--only", default=",".join(RUNNERS), help="contenders to run")
    ap.add_argument("--build-only", action="store_true")
    ap.add_argument("--run", help=argparse.SUPPRESS)
    ap.add_argument("--mpx", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--out", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.run:
        _child(args.run, args.mpx, Path(args.out))
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    names = [n for n in args.only.split(",") if n]
    for mpx in sizes:
        t0 = time.perf_counter()
        build_raster(mpx)
        second_scenario(mpx)
        build_vectors(mpx)
        print(f"inputs {mpx} Mpx ready ({time.perf_counter() - t0:.1f} s)", flush=True)
    if args.build_only:
        return 0
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}")
    rows = []
    for mpx in sizes:
        results = {}
        for name in names:
            results[name] = _spawn(name, mpx)
            r = results[name]
            print(f"{mpx:>4} Mpx  {name:<15} {r['seconds']:8.2f} s  "
                  f"peak RSS {r['peak_rss_mb']:7.0f} MB", flush=True)
        checks = _check(results)
        for line in checks:
            print(f"{mpx:>4} Mpx  check: {line}", flush=True)
        rows.append((mpx, results, checks))
    print()
    print(_table(rows))
    return 0


def _check(results: dict) -> list[str]:
    lines = []
    eng = results.get("engine")
    for rs in ("rasterstats", "rasterstats_nb"):
        if eng and rs in results:
            a = np.asarray(eng["flooded_cells"])
            b = np.asarray(results[rs]["flooded_cells"])
            bad = int(np.sum(a != b))
            lines.append(f"flooded cells engine vs {rs}: {bad} of {a.size} polygons differ"
                         + (" — OK" if bad == 0 else " — MISMATCH"))
    ex = results.get("engine_exact")
    if ex and "exactextract" in results:
        a = np.asarray(ex["flooded_area_m2"])
        b = np.asarray(results["exactextract"]["flooded_area_m2"])
        rel = np.abs(a - b) / np.maximum(np.abs(b), 1.0)
        lines.append(f"exact flooded area vs exactextract: max relative difference "
                     f"{rel.max():.2e}" + (" — OK" if rel.max() <= 1e-6 else " — MISMATCH"))
    return lines


def _table(rows) -> str:
    out = ["| raster | contender | time (s) | × raw read | peak RSS (MB) |",
           "|---|---|---:|---:|---:|"]
    for mpx, results, _ in rows:
        base = results.get("read", {}).get("seconds")
        for name, r in results.items():
            ratio = f"{r['seconds'] / base:.2f}" if base else "–"
            out.append(f"| {mpx} Mpx | {name} | {r['seconds']:.2f} | {ratio} | "
                       f"{r['peak_rss_mb']:.0f} |")
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
