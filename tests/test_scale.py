"""Region scale: exposure of many scenarios as Dask tasks equals the one-pass engine, and the
kind of a big raster is guessed from a few blocks, not a read of the whole file."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import rasterio
from rasterio.transform import from_origin

from geo.distributed import executor
from geo.exposure import assess
from geo.flood import guess_kind
from geo.raster import open_raster


@pytest.fixture(scope="module")
def sample():
    from geo.inputs import load_sample

    return load_sample()


def test_scenarios_as_dask_tasks_equal_the_one_pass_engine(sample):
    # the synchronous scheduler runs the same task functions as a cluster (a cluster of
    # workers is exercised by tests/test_season.py; here it would cost CI 10 s)
    plain = assess(sample.centres, sample.communities, sample.scenarios)
    with executor(scheduler="synchronous") as run:
        tasks = assess(sample.centres, sample.communities, sample.scenarios, run=run)
    for frame in ("centres", "communities", "summary", "districts", "needs"):
        pd.testing.assert_frame_equal(getattr(plain, frame), getattr(tasks, frame),
                                      check_exact=True)
    assert plain.notes == tasks.notes


def _big(tmp_path, values: np.ndarray, name: str, **extra):
    path = tmp_path / name
    with rasterio.open(path, "w", driver="GTiff", width=values.shape[1],
                       height=values.shape[0], count=1, dtype=values.dtype,
                       crs="EPSG:32718", transform=from_origin(690_000, 9_590_000, 10, 10),
                       tiled=True, blockxsize=256, blockysize=256, **extra) as ds:
        ds.write(values, 1)
    return path


def test_kind_guessed_from_a_few_blocks_of_a_raster_without_overviews(tmp_path):
    rng = np.random.default_rng(3)
    mask = (rng.random((2048, 2048)) < 0.3).astype(np.uint8)
    mask[:, :300] = 255  # nodata strip: ignored
    path = _big(tmp_path, mask, "pass_a.tif", nodata=255)
    raster = open_raster(path)
    blocks = []
    original = rasterio.io.DatasetReader.read

    def counting_read(self, *args, **kwargs):
        blocks.append(kwargs.get("window"))
        return original(self, *args, **kwargs)

    rasterio.io.DatasetReader.read = counting_read
    try:
        assert guess_kind(raster) == "extent"
    finally:
        rasterio.io.DatasetReader.read = original
    # 64 blocks of 256 × 256 in the file; the guess reads 16 whole blocks and no more
    assert len(blocks) == 16
    assert all(w is not None and w.width == w.height == 256 for w in blocks)
    depth = np.where(mask == 1, 0.4, 0.0).astype(np.float32)
    depth[5, 5] = 2.25
    assert guess_kind(open_raster(_big(tmp_path, depth, "pass_b.tif"))) == "depth"
    level = (116.0 + depth).astype(np.float32)
    assert guess_kind(open_raster(_big(tmp_path, level, "pass_c.tif"))) == "water_level"
