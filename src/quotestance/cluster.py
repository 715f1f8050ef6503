"""The corpus on a Dask cluster: the same work per article as on one machine, in input order.

``--engine dask`` connects to the scheduler at ``--address`` (or ``$DASK_SCHEDULER_ADDRESS``,
Dask's own setting); without one it starts a local cluster of ``--workers`` processes. Each
worker needs this package and its spaCy pipeline installed (the same version as the client);
the English pipeline loads once per worker process, on its first article. A bounded window
of articles is in flight at a time, so neither the client nor the scheduler holds the
corpus's results: they come back in order and are written as they come.

Dask is an optional dependency: ``pip install -e ".[cluster]"``.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from typing import Any

from quotestance.corpus import ArticleResult, Task, default_workers, run_task
from quotestance.errors import QuotestanceError
from quotestance.log import logger

IN_FLIGHT_PER_THREAD = 4


def connect(address: str | None = None, workers: int | None = None) -> tuple[Any, Any]:
    """A Dask client for ``address`` (or Dask's configured scheduler), else one on a new
    local cluster; and that cluster, to close, or None."""
    try:
        import dask
        from distributed import Client, LocalCluster
    except ImportError as exc:
        raise QuotestanceError(
            "--engine dask needs Dask distributed: pip install -e '.[cluster]'"
        ) from exc
    address = address or dask.config.get("scheduler-address", None)
    if address:
        try:
            return Client(address, timeout="30s"), None
        except OSError as exc:
            raise QuotestanceError(f"no Dask scheduler at {address}: {exc}") from exc
    n = workers or default_workers()
    logger.info("no Dask scheduler given: starting a local cluster of %d workers", n)
    cluster = LocalCluster(
        n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None
    )
    return Client(cluster), cluster


def dask_results(
    paths: list[str], task: Task, *, address: str | None = None, workers: int | None = None
) -> Iterator[ArticleResult]:
    """Each article's result, in input order, computed on the cluster."""
    if not paths:
        return
    client, cluster = connect(address, workers)
    try:
        threads = sum(client.nthreads().values()) or 1
        window = IN_FLIGHT_PER_THREAD * threads
        pending: deque[Any] = deque()
        todo = iter(paths)
        for path in todo:
            pending.append(client.submit(run_task, task, path, pure=False))
            if len(pending) >= window:
                break
        while pending:
            future = pending.popleft()
            result: ArticleResult = future.result()
            future.release()
            next_path = next(todo, None)
            if next_path is not None:
                pending.append(client.submit(run_task, task, next_path, pure=False))
            yield result
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
