"""A flood season end to end: ``python -m geo season`` on the synchronous scheduler and on
local Dask clusters of 1 and 2 workers, against the raw read of the same extents.

Inputs (built once under ``benchmarks/_data/season/``, seeded): ``--days`` daily GFM-like
extents (uint8, 1 water, 0 dry, 255 nodata; 512 × 512 tiles, DEFLATE; EPSG:32718; 20 m cells)
of ``--mpx`` megapixels, named ``gfm_YYYY-MM-DD.tif``: the water rises and falls over the
season (a smooth field thresholded at a level that follows a flood wave) and a band of
"exclusion mask" nodata moves from day to day. Communities and centres come from
``bench_e2e.py``'s builders (same seed), scaled to the 20 m grid.

Usage::

    python benchmarks/bench_season.py --mpx 16 --days 30 --communities 1000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DATA = HERE / "_data" / "season"
CELL_M = 20.0
ORIGIN = (600_000.0, 9_650_000.0)
START = dt.date(2012, 2, 1)
SEED = 2012


def build(mpx: int, days: int) -> Path:
    import rasterio
    from rasterio.transform import from_origin

    folder = DATA / f"{mpx}mpx"
    folder.mkdir(parents=True, exist_ok=True)
    n = round(np.sqrt(mpx * 1e6))
    rng = np.random.default_rng(SEED + mpx)
    waves = rng.uniform(0.5, 3.0, size=(5, 2)) * 2 * np.pi / n * 6
    phases = rng.uniform(0, 2 * np.pi, size=5)
    cols = np.arange(n, dtype=np.float32)
    field = None
    for k in range(days):
        path = folder / f"gfm_{(START + dt.timedelta(days=k)).isoformat()}.tif"
        if path.exists():
            continue
        if field is None:
            field = np.zeros((n, n), dtype=np.float32)
            for r0 in range(0, n, 512):
                rows = np.arange(r0, min(n, r0 + 512), dtype=np.float32)[:, None]
                for (kx, ky), ph in zip(waves, phases, strict=True):
                    field[r0:r0 + rows.shape[0]] += np.sin(cols * np.float32(kx)
                                                           + rows * np.float32(ky)
                                                           + np.float32(ph))
        level = 1.2 - 1.4 * np.sin(np.pi * k / max(days - 1, 1))   # a flood wave
        out = (field > level).astype(np.uint8)
        band = (np.arange(n)[None, :] + np.arange(n)[:, None] * 0.3 + k * n / days) % n
        out[band < n * 0.03] = 255
        with rasterio.open(path, "w", driver="GTiff", width=n, height=n, count=1,
                           dtype="uint8", crs="EPSG:32718", nodata=255,
                           transform=from_origin(*ORIGIN, CELL_M, CELL_M), tiled=True,
                           blockxsize=512, blockysize=512, compress="deflate") as ds:
            ds.write(out, 1)
    return folder


def vectors(mpx: int, n: int) -> tuple[Path, Path]:
    """Communities and centres over the 20 m grid (bench_e2e's, which lie on a 10 m grid of
    the same origin, fit in its upper-left quarter: built here at the right extent)."""
    sys.path.insert(0, str(HERE))
    import bench_e2e

    # a 10 m grid of 4 × mpx has the extent of this 20 m grid of mpx
    return bench_e2e.communities_path(4 * mpx, n), bench_e2e.centres_path(4 * mpx)


def run_read(folder: Path) -> float:
    import rasterio

    from geo.raster import gdal_env

    t0 = time.perf_counter()
    with gdal_env():
        for path in sorted(folder.glob("gfm_*.tif")):
            with rasterio.open(path) as ds:
                for _, win in ds.block_windows(1):
                    ds.read(1, window=win)
    return time.perf_counter() - t0


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--mpx", type=int, default=16)
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--communities", type=int, default=1000)
    p.add_argument("--modes", default="synchronous,1,2")
    p.add_argument("--read", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.read:
        print(json.dumps({"read_s": run_read(Path(args.read))}))
        return
    folder = build(args.mpx, args.days)
    comm, cent = vectors(args.mpx, args.communities)
    results = HERE / "_data" / "season_results.jsonl"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    out = subprocess.run([sys.executable, __file__, "--read", str(folder)], env=env,
                         capture_output=True, text=True, check=True)
    read_s = json.loads(out.stdout)["read_s"]
    for mode in args.modes.split(","):
        extra = (["--scheduler", "synchronous"] if mode == "synchronous"
                 else ["--workers", mode])
        load = os.getloadavg()[0]
        with tempfile.TemporaryDirectory() as tmp:
            cmd = [sys.executable, "-m", "geo", "season", "--flood", str(folder),
                   "--flood-kind", "extent", "--communities", str(comm), "--centres", str(cent),
                   "--out", str(Path(tmp) / "s.gpkg"), *extra]
            t0 = time.perf_counter()
            proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.PIPE, text=True)
            stdout, err = proc.communicate()
            wall = time.perf_counter() - t0
            if proc.returncode:
                raise SystemExit(err[-3000:])
        row = {"mode": mode, "mpx": args.mpx, "days": args.days,
               "communities": args.communities, "wall_s": round(wall, 2),
               "read_s": round(read_s, 2), "load1_before": round(load, 2),
               "summary": stdout.splitlines()[0] if stdout else "",
               "when_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())}
        with results.open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(row) + "\n")
        print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
