"""Where many independent tasks run: Dask's distributed scheduler, or this process.

Crecida's long jobs (a season of daily extents, many scenarios) are lists of independent
tasks, each reading its own raster from its path and returning small arrays. This module runs
such a list on `dask.distributed <https://distributed.dask.org>`_:

- ``scheduler=ADDRESS`` (or the ``CRECIDA_DASK_SCHEDULER`` environment variable): an existing
  cluster, used as it is (its workers must see the same file paths);
- ``scheduler="synchronous"``: no cluster, every task in this process, in order (Dask's
  synchronous scheduler) — for tests, debugging and small jobs;
- otherwise a ``LocalCluster`` of ``workers`` processes (default: one per CPU), one thread
  each, started for the job and closed after it.

What travels: the inputs every task shares (e.g. the community polygons) are sent to each
worker once (``scatter(broadcast=True)``); each task then carries only its own small
arguments (a raster path and grid, index arrays) and returns one number per feature.
Rasters never travel: each worker reads the blocks it needs.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from geo.errors import InputError, Problem

__all__ = ["SCHEDULER_ENV", "Executor", "executor"]

#: Environment variable naming the address of an existing Dask scheduler.
SCHEDULER_ENV = "CRECIDA_DASK_SCHEDULER"

Progress = Callable[[int, int, str], None]


class Executor:
    """Runs ``fn(item, **shared, **options)`` for every item (see :func:`executor`).

    Attributes
    ----------
    client
        The ``distributed.Client``, or ``None`` with the synchronous scheduler.
    description
        Where the tasks run, in words (for notes and logs).
    """

    def __init__(self, client: Any | None, description: str):
        self.client = client
        self.description = description

    @property
    def workers(self) -> int:
        """Workers that run tasks now (1 for the synchronous scheduler)."""
        if self.client is None:
            return 1
        return max(1, len(self.client.scheduler_info().get("workers", {})))

    def map(self, fn: Callable[..., Any], items: Sequence[Any], *,
            shared: Mapping[str, Any] | None = None, progress: Progress | None = None,
            desc: str = "tasks", **options: Any) -> list[Any]:
        """Results of ``fn(item, **shared, **options)``, in the order of ``items``.

        ``shared`` values go to each worker once; ``options`` are small and travel with every
        task. ``progress(done, total, message)`` is called as tasks finish.
        """
        shared = dict(shared or {})
        total = len(items)
        if self.client is None:
            import dask

            delayed = [dask.delayed(fn, pure=False)(item, **shared, **options) for item in items]
            out = []
            for k, task in enumerate(delayed, start=1):  # one at a time: progress, memory
                (value,) = dask.compute(task, scheduler="synchronous")
                out.append(value)
                if progress is not None:
                    progress(k, total, f"{desc}: {k}/{total}")
            return out
        from distributed import as_completed

        client = self.client
        # one future per shared value (a dict scattered bare would become one per key)
        remote = {k: client.scatter([v], broadcast=True, hash=False)[0]
                  for k, v in shared.items()}
        futures = client.map(fn, items, pure=False, **remote, **options)
        position = {f.key: k for k, f in enumerate(futures)}
        out: list[Any] = [None] * total
        for done, future in enumerate(as_completed(futures), start=1):
            out[position[future.key]] = future.result()
            future.release()
            if progress is not None:
                progress(done, total, f"{desc}: {done}/{total}")
        return out


@contextlib.contextmanager
def executor(*, workers: int | None = None, scheduler: str | None = None
             ) -> Iterator[Executor]:
    """An :class:`Executor` for one job; a local cluster it starts is closed after it.

    Parameters
    ----------
    workers
        Processes of a local cluster (default: one per CPU). Ignored with ``scheduler``.
    scheduler
        ``"synchronous"``, an address (``tcp://host:8786``) of an existing scheduler, or
        ``None``: then ``CRECIDA_DASK_SCHEDULER`` if set, else a local cluster.

    Raises
    ------
    InputError
        ``workers`` below 1, a scheduler address that is not one or cannot be reached, or no
        ``distributed`` package (except for the synchronous scheduler).
    """
    scheduler = scheduler or os.environ.get(SCHEDULER_ENV) or None
    if scheduler == "synchronous":
        yield Executor(None, "synchronous scheduler (this process)")
        return
    try:
        from distributed import Client
    except ImportError:
        raise InputError(Problem.keyed("dask_not_installed")) from None

    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, ValueError) as exc:  # unreachable, or not an address ("missing port")
            raise InputError(Problem.keyed("dask_unreachable", address=scheduler,
                                           env=SCHEDULER_ENV, detail=str(exc))) from None
        try:
            yield Executor(client, f"Dask cluster at {scheduler}")
        finally:
            client.close()
        return
    n = (os.cpu_count() or 1) if workers is None else int(workers)
    if n < 1:
        raise InputError(Problem.keyed("cli_workers_too_few", value=n))
    from distributed import LocalCluster

    with (LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                       dashboard_address=None, silence_logs=40) as cluster,
          Client(cluster) as client):
        yield Executor(client, f"local Dask cluster of {n} worker process(es)")
