"""Catchment (straight and flood-aware) and siting at region scale.

On the sample's most severe scenario (the synthetic Iquitos raster), with seeded synthetic
communities (polygons with population, spread over the raster) and centres (points, open,
with persons and covered area), for 1,000 and 5,000 communities and 500 centres (and the
sizes given). Each step in its own subprocess (wall time and that process's peak RSS):

``exposure``
    :meth:`geo.analysis.PlanningRun.exposure` (needed by the others; timed apart);
``catchment``
    straight-line catchment (nearest operational centre within the service distance);
``catchment_cap``
    the same with ``respect_capacity=True``;
``flood_aware``
    the catchment by travel around the water;
``siting``
    three new sites, coverage objective, CBC with a 60 s limit (its status is reported).

Usage::

    python benchmarks/bench_region.py --communities 1000,5000 --centres 500
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SEED = 2012
STEPS = ("exposure", "catchment", "catchment_cap", "flood_aware", "siting")


def _inputs(n: int, m: int):
    """The sample with ``n`` synthetic communities and ``m`` synthetic centres."""
    import dataclasses

    import geopandas as gpd
    import shapely

    from geo.inputs import load_sample

    inp = load_sample()
    sc = list(inp.scenarios.values())[-1]
    left, bottom, right, top = sc.bounds
    rng = np.random.default_rng(SEED + n)
    x, y = rng.uniform(left, right, n), rng.uniform(bottom, top, n)
    geoms = shapely.buffer(shapely.points(x, y), rng.uniform(80, 400, n), quad_segs=4)
    comm = gpd.GeoDataFrame({
        "community_id": [f"C{i:05d}" for i in range(n)], "name": [f"C {i}" for i in range(n)],
        "district": rng.choice(["Belén", "Iquitos", "Punchana", "San Juan Bautista"], n),
        "population": rng.integers(50, 3000, n).astype(float)},
        geometry=geoms, crs=sc.crs).to_crs("EPSG:4326")
    rng = np.random.default_rng(SEED + m)
    cx, cy = rng.uniform(left, right, m), rng.uniform(bottom, top, m)
    persons = rng.integers(0, 300, m)
    cen = gpd.GeoDataFrame({
        "centre_id": [f"A{i:04d}" for i in range(m)], "name": [f"A {i}" for i in range(m)],
        "kind": "school", "district": "Iquitos", "families": persons // 5, "persons": persons,
        "covered_area_m2": rng.uniform(200, 3000, m), "capacity_persons": pd_na(m),
        "status": "open", "outside_study_area": False},
        geometry=shapely.points(cx, cy), crs=sc.crs).to_crs("EPSG:4326")
    return dataclasses.replace(inp, communities=comm, centres=cen), sc.name


def pd_na(m: int):
    import pandas as pd

    return pd.array([pd.NA] * m, dtype="Int64")


def run_step(step: str, n: int, m: int) -> dict:
    from geo.analysis import PlanningRun

    inputs, name = _inputs(n, m)
    run = PlanningRun(inputs)
    t0 = time.perf_counter()
    run.exposure  # noqa: B018
    t_exposure = time.perf_counter() - t0
    out: dict = {"exposure_s": round(t_exposure, 3)}
    t0 = time.perf_counter()
    if step == "catchment":
        a = run.catchment(name, mode="straight")
        out["unserved_persons"] = a.unserved_persons
    elif step == "catchment_cap":
        a = run.catchment(name, mode="straight", respect_capacity=True)
        out["unserved_persons"] = a.unserved_persons
    elif step == "flood_aware":
        a = run.catchment(name, mode="flood-aware")
        out["unserved_persons"] = a.unserved_persons
    elif step == "siting":
        from geo.errors import SolverError

        try:
            res = run.optimise(3, scenario=name, time_limit_s=60)
        except SolverError as exc:
            res = exc.best
        out["solver_status"] = getattr(res, "status", None)
    out["step_s"] = round(time.perf_counter() - t0, 3) if step != "exposure" else out[
        "exposure_s"]
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--communities", default="1000,5000")
    p.add_argument("--centres", default="500")
    p.add_argument("--only", default=",".join(STEPS))
    p.add_argument("--run", help=argparse.SUPPRESS)
    p.add_argument("--n", type=int, help=argparse.SUPPRESS)
    p.add_argument("--m", type=int, help=argparse.SUPPRESS)
    p.add_argument("--result", help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.run:
        Path(args.result).write_text(json.dumps(run_step(args.run, args.n, args.m)))
        return
    results = HERE / "_data" / "region_results.jsonl"
    results.parent.mkdir(parents=True, exist_ok=True)
    for m in (int(v) for v in args.centres.split(",")):
        for n in (int(v) for v in args.communities.split(",")):
            for step in args.only.split(","):
                out = HERE / "_data" / f"region_{step}.json"
                load = os.getloadavg()[0]
                t0 = time.perf_counter()
                proc = subprocess.Popen(
                    [sys.executable, __file__, "--run", step, "--n", str(n), "--m", str(m),
                     "--result", str(out)], cwd=ROOT, stderr=subprocess.PIPE, text=True,
                    env={**os.environ, "PYTHONPATH": str(ROOT)})
                err = proc.stderr.read()
                _, status, usage = os.wait4(proc.pid, 0)
                wall = time.perf_counter() - t0
                if os.waitstatus_to_exitcode(status) != 0:
                    raise SystemExit(f"{step} failed:\n{err[-3000:]}")
                row = {"step": step, "communities": n, "centres": m, "wall_s": round(wall, 2),
                       **json.loads(out.read_text()),
                       "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
                       "load1_before": round(load, 2),
                       "when_utc": time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())}
                with results.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(row) + "\n")
                print(json.dumps(row), flush=True)


if __name__ == "__main__":
    main()
