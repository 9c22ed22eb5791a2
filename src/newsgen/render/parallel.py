"""Run one job per page, in forked worker processes when the site is big enough to gain from it.

Pages are pure functions of the model and views, so a worker needs nothing but what the
parent already holds: the pool uses the ``fork`` start method, and each worker inherits the
job (a closure over the page list, the Jinja2 environment and the output directory) once,
at start-up; tasks are only ``(start, stop)`` ranges of page numbers, and a worker writes the
pages it renders itself, so no HTML travels back. Chunks are handed out in page order, but for
the last, handed out first: a plan ends with the files of the whole site (the sitemaps list every
page), the longest chunk by far (0.19 s of 15.5k pages' 0.03 s a chunk at 10k articles), which,
started last, kept the other workers idle until it was done. Results are taken in page order, so
the first error reported is the first failing page, as in a serial build. Small sites
(:data:`MIN_PAGES`) and platforms without ``fork`` run serially.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from newsgen.errors import Diagnostic, NewsgenError

#: Fewer pages than this are rendered in the calling process: starting workers costs more.
MIN_PAGES = 200
#: Pages per task: small enough to balance the load, big enough to keep messages few.
CHUNK = 50

# The job of this worker process, set once by _start (fork). Unset in the parent.
_job: Callable[[int], Any] | None = None


@contextmanager
def collector_held() -> Iterator[Callable[[], None]]:
    """The cyclic garbage collector through a build. The steps before rendering make millions of
    objects that live until the build ends (the state read, the articles, the model, the views, the
    plan): collecting while they are made walks each for nothing (0.2 to 0.3 s of a one-page rebuild
    at 100,000 articles). So the collector is off until the function yielded is called (before
    rendering), which sets what exists aside (frozen, until :func:`run_jobs`' workers are done) and
    turns it on again for its young generations only: a full collection would still walk the pages'
    records made while rendering and the steps after it, to find next to nothing (about 0.4 s of the
    processor time of a cold build at 10,000 articles). Workers forked inherit this. Afterwards the
    collector is as it was (``newsgen serve``'s process collects between builds as any process does)."""
    collecting = gc.isenabled()
    young, middle, full = gc.get_threshold()
    gc.disable()
    gc.set_threshold(young, middle, 2**31 - 1)

    def settle() -> None:
        gc.freeze()
        if collecting:
            gc.enable()

    try:
        yield settle
    finally:
        gc.unfreeze()
        gc.set_threshold(young, middle, full)
        if collecting:
            gc.enable()


def cpu_count() -> int:
    """CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:   # not Linux
        return os.cpu_count() or 1


def run_jobs(count: int, job: Callable[[int], Any], processes: int | None = None,
             progress: Callable[[int], None] | None = None, results: list[Any] | None = None,
             before_fork: Callable[[], None] | None = None, chunk: int | None = None,
             minimum: int | None = None, meanwhile: Callable[[], None] | None = None,
             in_worker: Callable[[], None] | None = None) -> int:
    """Call ``job(i)`` for every ``i`` in ``range(count)``; returns how many processes did.
    ``before_fork()`` is called before workers start (not for a serial run): what it loads, every
    worker inherits instead of loading it again.

    A :class:`NewsgenError` raised by a job is raised here with the same diagnostics; the
    remaining tasks are cancelled first. ``progress(n)`` is told each time ``n`` more jobs are done.
    With ``results``, what each job returns (something small that pickles) is appended to it, in order.
    ``chunk`` jobs go to a worker at a time (:data:`CHUNK`); fewer than ``minimum`` (:data:`MIN_PAGES`)
    run in this process. ``meanwhile()`` is called in this process once the workers have started (not
    for a serial run), while they work: what the caller needs next, done while it would only wait.
    ``in_worker()`` is called in each worker process as it starts (not for a serial run): it may let go
    of what only this process needs, so that what the worker makes reuses that memory (the size of a
    worker is what it inherits and what it makes besides).
    """
    chunk = chunk or CHUNK
    minimum = MIN_PAGES if minimum is None else minimum
    processes = min(processes or cpu_count(), -(-count // chunk))
    if processes < 2 or count < minimum or not hasattr(os, "fork"):
        for i in range(count):
            value = job(i)
            if results is not None:
                results.append(value)
            if progress is not None and (i + 1) % chunk == 0:
                progress(chunk)
        if progress is not None and count % chunk:
            progress(count % chunk)
        return 1
    # imported here: a rebuild that renders a handful of pages serially never needs them (15 ms)
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    chunks = [(start, min(start + chunk, count)) for start in range(0, count, chunk)]
    if before_fork is not None:
        before_fork()
    # what exists now is never collected in the workers: their collector would touch (and so copy)
    # every page of memory they share with the parent
    gc.freeze()
    pool = ProcessPoolExecutor(processes, mp_context=multiprocessing.get_context("fork"),
                               initializer=_start, initargs=(job, in_worker))
    try:
        futures = {k: pool.submit(_run, chunks[k]) for k in (len(chunks) - 1, *range(len(chunks) - 1))}
        if meanwhile is not None:   # (the workers are forked by the first submit: none inherits what it does)
            meanwhile()
        for k, (start, stop) in enumerate(chunks):
            problems, values = futures.pop(k).result()   # (a done future holds its result while kept)
            if problems:
                raise NewsgenError(problems)
            if results is not None:
                results.extend(values)
            if progress is not None:
                progress(stop - start)
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)   # nothing may still write when the caller cleans up
        raise
    finally:
        gc.unfreeze()
    pool.shutdown(wait=True)
    return processes


def _start(job: Callable[[int], Any], in_worker: Callable[[], None] | None = None) -> None:
    global _job
    _job = job
    gc.enable()   # (collecting, whatever the parent paused: see commands.build)
    if in_worker is not None:
        in_worker()


def _run(bounds: tuple[int, int]) -> tuple[list[Diagnostic] | None, list[Any]]:
    assert _job is not None
    values = []
    try:
        for i in range(*bounds):
            values.append(_job(i))
    except NewsgenError as exc:   # its diagnostics pickle; the exception itself would lose them
        return exc.diagnostics, []
    return None, values
