"""Benchmark: exporting a 100,000 × 100,000 sparse flood raster to GeoPackage and HTML.

Builds once, under ``benchmarks/_data/`` (git-ignored), a sparse Cloud-Optimised GeoTIFF of
100,000 × 100,000 float32 cells (10 m, EPSG:32718, 512 × 512 tiles, DEFLATE, nodata -9999,
overviews): the bundled 118.6 m sample scenario, resampled ×3 to 10 m (2,502 × 2,502 cells),
sits at its real place near Iquitos and every other tile is absent (a hole that reads as
nodata). ``--no-overviews`` adds the same raster as a plain tiled GeoTIFF without overviews.

Each case runs the real command line (``python -m geo export --flood big=… --out …``) in its
own process, which reports its wall time, its peak RSS (``ru_maxrss``, the whole process:
Python, geopandas, GDAL's cache) and how often the progress bar was advanced (the bar itself
is drawn only on a terminal; here the callback is counted).

Usage::

    python benchmarks/bench_big_export.py                  # GeoPackage and HTML
    python benchmarks/bench_big_export.py --no-overviews   # also the raster without overviews
    python benchmarks/bench_big_export.py --build-only
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "_data"
ROOT = HERE.parent
SIZE = 100_000
CELL_M = 10.0
ORIGIN = (600_000.0, 9_650_000.0)  # upper-left corner, EPSG:32718 metres
SAMPLE = ROOT / "sample_data" / "flood_depth_118_6m.tif"

# Runs in the child process: the command line, with the progress callback counted.
_CHILD = r"""
import json, resource, sys, time
import geo.cli as cli
calls = {"n": 0, "max_total": 0}
def progress_bar(desc):
    def update(done, total, message=""):
        calls["n"] += 1
        calls["max_total"] = max(calls["max_total"], total)
    return update
cli.progress_bar = progress_bar
start = time.perf_counter()
code = cli.main(sys.argv[1:])
seconds = time.perf_counter() - start
print(json.dumps({"code": code, "seconds": seconds, "progress_calls": calls["n"],
                  "progress_total": calls["max_total"],
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def build(*, overviews: bool) -> Path:
    """Write the sparse raster (once) and return its path."""
    import numpy as np
    import rasterio
    import rasterio.shutil
    from rasterio.transform import from_origin
    from rasterio.windows import Window

    name = "sparse_100k_cog.tif" if overviews else "sparse_100k_plain.tif"
    out = DATA / name
    if out.exists():
        return out
    DATA.mkdir(parents=True, exist_ok=True)
    with rasterio.open(SAMPLE) as src:
        depth = src.read(1)
        left, top = src.transform.c, src.transform.f
    fine = np.repeat(np.repeat(depth, 3, axis=0), 3, axis=1)
    col, row = int((left - ORIGIN[0]) / CELL_M), int((ORIGIN[1] - top) / CELL_M)
    profile = {
        "driver": "GTiff", "width": SIZE, "height": SIZE, "count": 1, "dtype": "float32",
        "crs": "EPSG:32718", "transform": from_origin(*ORIGIN, CELL_M, CELL_M),
        "nodata": -9999.0, "tiled": True, "blockxsize": 512, "blockysize": 512,
        "compress": "deflate", "predictor": 3, "sparse_ok": True, "bigtiff": "yes",
    }
    plain = DATA / "sparse_100k_plain.tif"
    if not plain.exists():
        with rasterio.Env(GDAL_CACHEMAX=64 * 2**20), rasterio.open(plain, "w", **profile) as ds:
            ds.write(fine, 1, window=Window(col, row, fine.shape[1], fine.shape[0]))
    if overviews:
        with rasterio.Env(GDAL_CACHEMAX=256 * 2**20, GDAL_NUM_THREADS="2"):
            rasterio.shutil.copy(plain, out, driver="COG", compress="deflate", predictor="3",
                                 blocksize=512, overview_resampling="nearest",
                                 sparse_ok="TRUE", bigtiff="yes")
    return out


def run_case(raster: Path, suffix: str) -> dict:
    """Export ``raster`` to ``suffix`` through the command line in a fresh process."""
    with tempfile.TemporaryDirectory(prefix="crecida-bench-") as tmp:
        out = Path(tmp) / f"export{suffix}"
        cmd = [sys.executable, "-c", _CHILD, "--lang", "en", "export", "--flood",
               f"big={raster}", "--flood-kind", "big=depth", "--out", str(out)]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env,
                              check=False)
        if proc.returncode != 0 or not proc.stdout.strip():
            raise SystemExit(f"{suffix} failed:\n{proc.stdout}\n{proc.stderr}")
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        result["files_mb"] = {p.name: round(p.stat().st_size / 2**20, 2)
                              for p in Path(tmp).iterdir()}
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--no-overviews", action="store_true",
                        help="also export the raster without overviews")
    parser.add_argument("--build-only", action="store_true")
    args = parser.parse_args()
    rasters = {"COG (overviews)": build(overviews=True)}
    if args.no_overviews:
        rasters["plain GeoTIFF (no overviews)"] = build(overviews=False)
    if args.build_only:
        return
    print(f"# {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, load "
          f"{os.getloadavg()[0]:.1f}")
    print("| raster | output | time (s) | peak RSS (MB) | progress calls | files (MB) |")
    print("|---|---|---:|---:|---:|---|")
    for label, raster in rasters.items():
        for suffix in (".gpkg", ".html"):
            r = run_case(raster, suffix)
            files = ", ".join(f"{k} {v}" for k, v in sorted(r["files_mb"].items()))
            print(f"| {label} | {suffix} | {r['seconds']:.1f} | {r['peak_rss_mb']:.0f} | "
                  f"{r['progress_calls']} | {files} |", flush=True)


if __name__ == "__main__":
    main()
