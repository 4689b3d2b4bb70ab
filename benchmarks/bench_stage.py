"""Benchmark of the river-stage engine: stage curves of a large DEM against its raw read.

Builds seeded synthetic inputs under ``benchmarks/_data/`` (git-ignored; built once, reused):
a DEM (float32, tiled 512 × 512, DEFLATE + floating-point predictor, EPSG:32718, 10 m cells,
heights to the centimetre) shaped like the Amazon's floodplain at Iquitos — a meandering main
channel (bed 106 m) with a 4 km floodplain rising from 114.9 to 118.2 m, a tributary, upland
at 121–134 m, 60 closed lake basins and centimetre micro-relief full of small pits — its two
river centrelines, 3,000 community polygons and 1,000 centre points (60 % of both on the
floodplain).

Each contender runs in its own subprocess so that its peak RSS can be read
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``, which includes Python and its imports):

``read``
    the DEM read window by window into one float32 array — what the model reads first, and
    the floor the target is measured against;
``model``
    :meth:`geo.stage.StageModel.from_raster` on the whole DEM (read, relief, river seeds,
    the priority flood);
``model_capped``
    the same up to a stage of 125 m (6.4 m above the 2012 record): higher ground is not
    flooded, which is where most cells are;
``steps``
    the capped model's steps timed one by one;
``lookups``
    the capped model, stage curves of the 1,000 centres and 3,000 communities, then every
    stage from 114.0 to 119.0 m by 0.1 m looked up (arrays, and full frames);
``check``
    (smaller sizes) the curves at three stages against the exposure engine run on the depth
    scenario the model writes for each stage: statuses and flooded areas must agree.

Usage::

    python benchmarks/bench_stage.py --sizes 16,100
"""

from __future__ import annotations

import argparse
import json
import math
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
ORIGIN = (600_000.0, 9_700_000.0)
N_COMMUNITIES = 3000
N_CENTRES = 1000
CAP_M = 125.0
SEED = 20120415
LOOKUP_STAGES = [round(114.0 + 0.1 * k, 1) for k in range(51)]
CHECK_STAGES = (116.0, 117.3, 118.6)


# --------------------------------------------------------------------------------------------
# Inputs
# --------------------------------------------------------------------------------------------
def _side(mpx: int) -> int:
    return round(math.sqrt(mpx * 1e6))


def dem_path(mpx: int) -> Path:
    return DATA / f"dem_{mpx}mpx.tif"


def rivers_path(mpx: int) -> Path:
    return DATA / f"rivers_{mpx}mpx.gpkg"


def _main_river(x_m: np.ndarray, size_m: float) -> tuple[np.ndarray, np.ndarray]:
    """y (m from the top) of the main channel at x, and its slope dy/dx."""
    k1, k2 = 2 * np.pi / (0.6 * size_m), 2 * np.pi / (0.17 * size_m)
    y = 0.45 * size_m + 0.08 * size_m * np.sin(k1 * x_m) + 0.02 * size_m * np.sin(k2 * x_m + 1)
    dy = 0.08 * size_m * k1 * np.cos(k1 * x_m) + 0.02 * size_m * k2 * np.cos(k2 * x_m + 1)
    return y, dy


def _tributary(y_m: np.ndarray, size_m: float) -> tuple[np.ndarray, np.ndarray]:
    k = 2 * np.pi / (0.4 * size_m)
    x = 0.3 * size_m + 0.05 * size_m * np.sin(k * y_m)
    return x, 0.05 * size_m * k * np.cos(k * y_m)


def _smoothstep(t: np.ndarray) -> np.ndarray:
    t = np.clip(t, 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def build_dem(mpx: int) -> Path:
    """Write the synthetic floodplain DEM (m, float32, centimetres) and its rivers."""
    import geopandas as gpd
    import rasterio
    import shapely
    from rasterio.transform import from_origin

    path = dem_path(mpx)
    if path.exists() and rivers_path(mpx).exists():
        return path
    DATA.mkdir(parents=True, exist_ok=True)
    side = _side(mpx)
    size_m = side * CELL_M
    rng = np.random.default_rng(SEED + mpx)
    waves = rng.uniform(0.5, 3.0, size=(5, 2)) * 2 * np.pi / size_m * 3
    phases = rng.uniform(0, 2 * np.pi, size=5)
    lakes = np.c_[rng.uniform(0, size_m, 60), rng.uniform(0, size_m, 60),
                  rng.uniform(200, 900, 60), rng.uniform(111.0, 116.0, 60)]
    tmp = path.with_suffix(".tmp.tif")
    profile = dict(driver="GTiff", width=side, height=side, count=1, dtype="float32",
                   crs="EPSG:32718", transform=from_origin(*ORIGIN, CELL_M, CELL_M),
                   nodata=-9999.0, tiled=True, blockxsize=512, blockysize=512,
                   compress="deflate", predictor=3, num_threads="all_cpus", bigtiff="yes")
    x = (np.arange(side, dtype=np.float64) + 0.5) * CELL_M
    main_y, main_dy = _main_river(x, size_m)
    with rasterio.open(tmp, "w", **profile) as ds:
        for r0 in range(0, side, 512):
            rows = min(512, side - r0)
            y = ((np.arange(r0, r0 + rows, dtype=np.float64) + 0.5) * CELL_M)[:, None]
            d_main = np.abs(y - main_y[None, :]) / np.sqrt(1 + main_dy[None, :] ** 2)
            trib_x, trib_dx = _tributary(y, size_m)
            d_trib = np.abs(x[None, :] - trib_x) / np.sqrt(1 + trib_dx**2)
            upland = np.zeros((rows, side))
            for (kx, ky), ph in zip(waves, phases, strict=True):
                upland += np.sin(x[None, :] * kx + y * ky + ph)
            upland = 127.0 + 2.5 * upland
            width = np.where(d_main <= d_trib + 2500, 4000.0, 1500.0)
            bank = np.minimum(np.maximum(d_main - 250.0, 0), np.maximum(d_trib - 80.0, 0))
            t = bank / width
            plain = 114.9 + 3.3 * np.clip(t, 0, 1) ** 0.9
            climb = 118.2 + (upland - 118.2) * _smoothstep((bank - width) / 1500.0)
            z = np.where(t <= 1.0, plain, climb)
            block_rng = np.random.default_rng([SEED, mpx, r0])
            z += np.where(t <= 1.0, 0.08, 0.4) * block_rng.standard_normal(z.shape)
            for lx, ly, radius, bottom in lakes:
                if abs(ly - float(y[rows // 2, 0])) > radius + 512 * CELL_M:
                    continue
                r2 = ((x[None, :] - lx) ** 2 + (y - ly) ** 2) / radius**2
                z = np.where(r2 < 1.0, np.minimum(z, bottom + 4.0 * r2), z)
            z = np.where(d_main <= 250.0, 106.0 + 8.0 * (d_main / 250.0) ** 2, z)
            z = np.where(d_trib <= 80.0, np.minimum(z, 109.0 + 5.0 * (d_trib / 80.0) ** 2), z)
            ds.write(np.round(z, 2).astype(np.float32), 1,
                     window=((r0, r0 + rows), (0, side)))
    tmp.rename(path)
    xs = np.linspace(0, size_m, 400)
    ty = np.linspace(0, size_m, 400)
    lines = [shapely.LineString(np.c_[ORIGIN[0] + xs, ORIGIN[1] - _main_river(xs, size_m)[0]]),
             shapely.LineString(np.c_[ORIGIN[0] + _tributary(ty, size_m)[0], ORIGIN[1] - ty])]
    gpd.GeoDataFrame({"name": ["Amazonas", "Itaya"]}, geometry=lines,
                     crs="EPSG:32718").to_file(rivers_path(mpx), driver="GPKG")
    return path


def build_vectors(mpx: int) -> tuple[Path, Path]:
    """3,000 community polygons and 1,000 centre points, 60 % of each on the floodplain."""
    import geopandas as gpd
    import shapely

    polys = DATA / f"stage_communities_{mpx}mpx.gpkg"
    pts = DATA / f"stage_centres_{mpx}mpx.gpkg"
    if polys.exists() and pts.exists():
        return polys, pts
    size_m = _side(mpx) * CELL_M
    rng = np.random.default_rng(SEED + 1)

    def places(n: int) -> tuple[np.ndarray, np.ndarray]:
        px = rng.uniform(0, size_m, n)
        near = rng.random(n) < 0.6
        py = np.where(near, _main_river(px, size_m)[0] + rng.uniform(-4000, 4000, n),
                      rng.uniform(0, size_m, n))
        return ORIGIN[0] + px, ORIGIN[1] - np.clip(py, 0, size_m)

    cx, cy = places(N_COMMUNITIES)
    geoms = []
    for k in range(N_COMMUNITIES):
        n_v = int(rng.integers(12, 32))
        ang = np.sort(rng.uniform(0, 2 * np.pi, n_v))
        rad = rng.uniform(150, 500) * rng.uniform(0.6, 1.0, n_v)
        geoms.append(shapely.make_valid(shapely.Polygon(
            np.c_[cx[k] + rad * np.cos(ang), cy[k] + rad * np.sin(ang)])))
    gpd.GeoDataFrame(
        {"community_id": [f"C{k:05d}" for k in range(N_COMMUNITIES)],
         "district": [f"D{k % 4}" for k in range(N_COMMUNITIES)],
         "population": rng.integers(50, 5000, N_COMMUNITIES)},
        geometry=geoms, crs="EPSG:32718").to_file(polys, driver="GPKG")
    px, py = places(N_CENTRES)
    gpd.GeoDataFrame(
        {"centre_id": [f"A{k:05d}" for k in range(N_CENTRES)],
         "name": [f"Albergue {k}" for k in range(N_CENTRES)],
         "district": [f"D{k % 4}" for k in range(N_CENTRES)],
         "persons": rng.integers(0, 400, N_CENTRES)},
        geometry=gpd.points_from_xy(px, py), crs="EPSG:32718").to_file(pts, driver="GPKG")
    return polys, pts


# --------------------------------------------------------------------------------------------
# Contenders (each runs in a fresh subprocess: ``--run NAME --mpx N``)
# --------------------------------------------------------------------------------------------
def _inputs(mpx: int):
    import geopandas as gpd

    from geo.raster import open_raster

    polys, pts = build_vectors(mpx)
    return (open_raster(dem_path(mpx)), gpd.read_file(rivers_path(mpx)), gpd.read_file(polys),
            gpd.read_file(pts))


def _read_dem(dem) -> np.ndarray:
    from rasterio.windows import Window

    from geo import settings
    from geo.raster import gdal_env

    out = np.empty(dem.shape, dtype=np.float32)
    with gdal_env(), dem.open() as ds:
        for r0 in range(0, dem.height, settings.WINDOW_ROWS):
            win = Window(0, r0, dem.width, min(settings.WINDOW_ROWS, dem.height - r0))
            ds.read(1, window=win, out=out[r0:r0 + int(win.height)])
    return out


def run_read(mpx: int, inputs) -> dict:
    return {"cells": int(_read_dem(inputs[0]).size)}


def _model(inputs, cap: float | None):
    from geo.stage import StageModel

    return StageModel.from_raster(inputs[0], rivers=inputs[1], max_stage_m=cap)


def run_model(mpx: int, inputs) -> dict:
    m = _model(inputs, None)
    fs = m.flooding_stage_m
    return {"reached_cells": int(np.isfinite(fs).sum()), "seed_cells": m.seed_cells}


def run_model_capped(mpx: int, inputs) -> dict:
    m = _model(inputs, CAP_M)
    return {"reached_cells": int((m.levels != 65535).sum()), "seed_cells": m.seed_cells}


def run_steps(mpx: int, inputs) -> dict:
    from geo.stage import fill
    from geo.stage.seeds import seeds_from_rivers

    dem, rivers = inputs[0], inputs[1]
    times = {}
    t = time.perf_counter()
    arr = _read_dem(dem)
    times["read"] = time.perf_counter() - t
    t = time.perf_counter()
    relief, void, srtm = fill.relief_m(arr, dem, out=arr)
    times["relief"] = time.perf_counter() - t
    t = time.perf_counter()
    seeds = seeds_from_rivers(rivers, dem)
    times["seeds"] = time.perf_counter() - t
    t = time.perf_counter()
    levels, _, _ = fill.quantise(relief, void, max_stage_m=CAP_M, srtm_voids=srtm)
    times["quantise"] = time.perf_counter() - t
    t = time.perf_counter()
    order, starts = fill._level_order(levels.reshape(-1))
    times["sort"] = time.perf_counter() - t
    del order, starts
    t = time.perf_counter()
    fill.flood_levels(levels, seeds)
    times["flood (sort included)"] = time.perf_counter() - t
    return {"steps": times}


def run_lookups(mpx: int, inputs) -> dict:
    m = _model(inputs, CAP_M)
    t = time.perf_counter()
    curves = m.curves(inputs[3], inputs[2])
    build = time.perf_counter() - t
    arrays, frames = [], []
    flooded = []
    for stage in LOOKUP_STAGES:
        t = time.perf_counter()
        st = curves.status_at(stage)
        ar = curves.areas_at(stage)
        arrays.append(time.perf_counter() - t)
        flooded.append(int((st["flood_status"] == "flooded").sum()))
        t = time.perf_counter()
        curves.centres_at(stage)
        curves.communities_at(stage)
        frames.append(time.perf_counter() - t)
        assert ar["flooded_area_m2"].size == len(curves.communities)
    t = time.perf_counter()
    table = curves.flooded_by_stage(LOOKUP_STAGES)
    by_stage = time.perf_counter() - t
    return {"curves_build_s": build, "lookup_ms_median": 1e3 * float(np.median(arrays)),
            "lookup_ms_max": 1e3 * float(np.max(arrays)),
            "frames_ms_median": 1e3 * float(np.median(frames)),
            "table_51_stages_s": by_stage, "table_rows": len(table),
            "centres": len(curves.centres), "communities": len(curves.communities),
            "flooded_by_stage": dict(zip(map(str, LOOKUP_STAGES), flooded, strict=True))}


def run_check(mpx: int, inputs) -> dict:
    import tempfile

    from geo.exposure import assess

    m = _model(inputs, CAP_M)
    curves = m.curves(inputs[3], inputs[2])
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for stage in CHECK_STAGES:
            sc = m.scenario(stage, directory=tmp)
            ref = assess(inputs[3], inputs[2], [sc])
            got_c = curves.status_at(stage)["flood_status"]
            got_a = curves.areas_at(stage)["flooded_area_m2"]
            ref_a = ref.communities["flooded_area_m2"].to_numpy()
            out[str(stage)] = {
                "status_differ": int((ref.centres["flood_status"].to_numpy() != got_c).sum()),
                "area_max_abs_diff_m2": float(np.max(np.abs(ref_a - got_a))) if got_a.size
                else 0.0,
                "flooded_centres": int((got_c == "flooded").sum()),
            }
    return out


RUNNERS = {"read": run_read, "model": run_model, "model_capped": run_model_capped,
           "steps": run_steps, "lookups": run_lookups, "check": run_check}


def _child(name: str, mpx: int, out: Path) -> None:
    sys.path.insert(0, str(ROOT))
    inputs = _inputs(mpx)      # opening the DEM and reading the vector files is not timed
    t0 = time.perf_counter()
    result = RUNNERS[name](mpx, inputs)
    result["seconds"] = time.perf_counter() - t0
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out.write_text(json.dumps(result))


def _spawn(name: str, mpx: int) -> dict:
    out = DATA / f"_stage_result_{name}_{mpx}.json"
    out.unlink(missing_ok=True)
    subprocess.run([sys.executable, __file__, "--run", name, "--mpx", str(mpx),
                    "--out", str(out)], check=True, cwd=ROOT)
    return json.loads(out.read_text())


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="16,100", help="DEM sizes in Mpx, e.g. 16,100")
    ap.add_argument("--only", default="read,model,model_capped,steps,lookups",
                    help="contenders to run (add 'check' to compare with the exposure engine)")
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
        build_dem(mpx)
        build_vectors(mpx)
        print(f"inputs {mpx} Mpx ready ({time.perf_counter() - t0:.1f} s)", flush=True)
    if args.build_only:
        return 0
    for mpx in sizes:       # the DEM file in the OS cache: every contender reads it warm
        with open(dem_path(mpx), "rb") as fh:
            while fh.read(1 << 24):
                pass
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load {os.getloadavg()[0]:.1f}", flush=True)
    table = ["| DEM | contender | time (s) | × raw read | peak RSS (MB) |",
             "|---|---|---:|---:|---:|"]
    for mpx in sizes:
        results = {}
        for name in names:
            r = results[name] = _spawn(name, mpx)
            extra = {k: v for k, v in r.items()
                     if k not in ("seconds", "peak_rss_mb", "flooded_by_stage")}
            print(f"{mpx:>4} Mpx  {name:<13} {r['seconds']:8.2f} s  peak RSS "
                  f"{r['peak_rss_mb']:6.0f} MB  load {os.getloadavg()[0]:.1f}  "
                  f"{json.dumps(extra)}", flush=True)
        base = results.get("read", {}).get("seconds")
        for name, r in results.items():
            ratio = f"{r['seconds'] / base:.2f}" if base else "–"
            table.append(f"| {mpx} Mpx | {name} | {r['seconds']:.2f} | {ratio} | "
                         f"{r['peak_rss_mb']:.0f} |")
    print()
    print("\n".join(table))
    return 0


if __name__ == "__main__":
    sys.exit(main())
