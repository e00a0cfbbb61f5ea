"""A DuckDB result read as Arrow batches, handed over in parts of a given size (DuckDB's own batches
joined or split), each with the caller's preparation of it (`prepare`); optionally the next part read
and prepared in a thread while the caller works on this one.

DuckDB, numpy's copies and the model all release the GIL for their work, so the scan and preparation of
part k+1 (for the fast path: the arguments' matrix) can run on a thread while the model runs on part k
(`AHEAD`). The thread (one kept for the process) takes over only after a first full batch (a result of
one batch costs no thread), reads at most one part ahead, and is always done before the caller closes the
reader: the connection runs nothing else while its stream is open. It is off by default: on the 2-core
machine the benchmarks run on, reading in turn was ~12% faster by wall time and by the process's CPU
(bench/README.md, "Issue 13, eleventh round"); reading ahead took less of the statement's own thread only
by handing the same work, and more, to another.
"""

from __future__ import annotations

import concurrent.futures
import functools
import queue
import threading
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

# Read and prepare the next batch in a thread (see the module's docstring; bench/README.md has the
# measurements behind the choice). bench_inference.py measures both.
AHEAD = False

Part = Any  # a pa.RecordBatch, or a pa.Table of slices of consecutive batches (`_parts`)
Prepared = tuple[Part, Any]  # a part and what `prepare` made of it


class _Stopped(Exception):
    """The caller stopped reading ahead."""


class StreamError(Exception):
    """DuckDB failed while streaming: Arrow's stream hands its message on as an OSError."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


def batches(reader: pa.RecordBatchReader, rows: int, check: Callable[[], None], ahead: bool = True,
            prepare: Callable[[Part], Any] = lambda batch: None, part: int = 0) -> Generator[Prepared, None, None]:
    """The reader's rows in order, each part with `prepare(part)`: the first batch as DuckDB gives it
    (`rows` a full batch), then parts of exactly `part` rows (default `rows`; the last one shorter);
    `check` (the statement's cancel) runs before each. `prepare` may run on the thread: it must run
    no model or user code. `ahead` False: no thread (the query calls Python UDFs, which must not run
    while the caller runs a model). Closing the iterator stops and joins the thread: close it
    (contextlib's `closing`) before closing the reader."""
    check()
    first = _next(reader)
    if first is None:
        return
    if first.num_rows:
        yield first, prepare(first)
    # a short batch is the last one; with every reader busy (other statements), this one reads in turn
    part = part or rows
    if first.num_rows < rows or not (AHEAD and ahead) or not _free_readers.acquire(blocking=False):
        yield from _in_turn(reader, part, check, prepare)
        return
    tail = _Ahead(reader, part, check, prepare)
    try:
        yield from tail
    finally:
        tail.stop()


def _next(reader: pa.RecordBatchReader) -> pa.RecordBatch | None:
    try:
        return reader.read_next_batch()
    except StopIteration:
        return None
    except OSError as e:
        raise StreamError(e) from None


def _in_turn(reader: pa.RecordBatchReader, rows: int, check: Callable[[], None],
             prepare: Callable[[Part], Any]) -> Iterator[Prepared]:
    for part in _parts(reader, rows, check):
        yield part, prepare(part)


def _parts(reader: pa.RecordBatchReader, rows: int, check: Callable[[], None]) -> Iterator[Part]:
    """The reader's rows in parts of exactly `rows` rows, the last one shorter: consecutive batches
    joined, and split where a part ends, without copying (a part spanning batches is one Arrow table
    of their slices). DuckDB's batches never span its row groups (122,880 rows), so read as they come
    a short batch ends every row group: more calls, of uneven sizes. `check` runs before each read."""
    import pyarrow as pa

    pending: list[pa.RecordBatch] = []
    count = 0
    while True:
        check()
        batch = _next(reader)
        if batch is None:
            break
        while batch.num_rows:
            take = min(rows - count, batch.num_rows)
            pending.append(batch if take == batch.num_rows else batch.slice(0, take))
            count += take
            batch = batch.slice(take)
            if count == rows:
                yield pending[0] if len(pending) == 1 else pa.Table.from_batches(pending)
                pending, count = [], 0
    if pending:
        yield pending[0] if len(pending) == 1 else pa.Table.from_batches(pending)


READERS = 4  # statements reading ahead at once; more read in turn
_free_readers = threading.BoundedSemaphore(READERS)


@functools.cache
def _readers() -> concurrent.futures.ThreadPoolExecutor:
    """The threads that read ahead, kept for the process: a thread's memory allocator keeps what it
    freed for its next batches, where a new thread per statement touched fresh pages (a page fault per
    4 KiB) for every batch it read. One per statement reading ahead (`_free_readers`), so a statement
    never waits for another's reader."""
    return concurrent.futures.ThreadPoolExecutor(max_workers=READERS, thread_name_prefix="snowreg-stream")


class _Ahead:
    """The reader's batches, each read and prepared by a thread while the caller works on the one before
    (one of `_readers`, whose slot the caller took)."""

    def __init__(self, reader: pa.RecordBatchReader, rows: int, check: Callable[[], None],
                 prepare: Callable[[Part], Any]) -> None:
        self.reader, self.rows, self.check, self.prepare = reader, rows, check, prepare
        self.ready: queue.Queue[Prepared | BaseException | None] = queue.Queue(maxsize=1)
        self.stopping = threading.Event()
        try:
            self.done = _readers().submit(self._read)
        except BaseException:  # e.g. the interpreter is shutting down
            _free_readers.release()
            raise

    def _read(self) -> None:
        try:
            for part in _parts(self.reader, self.rows, self._stop_check):
                self.ready.put((part, self.prepare(part)))
            self.ready.put(None)
        except _Stopped:
            pass
        except BaseException as e:  # noqa: BLE001 - handed to the caller's thread, raised there
            self.ready.put(e)
        finally:
            _free_readers.release()

    def _stop_check(self) -> None:
        if self.stopping.is_set():
            raise _Stopped

    def __iter__(self) -> Iterator[Prepared]:
        while True:
            self.check()
            item = self.ready.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
            item = None  # the caller is done with the batch: its matrices' memory may serve the next ones

    def stop(self) -> None:
        """Stop reading ahead and wait for the thread (at most the batch it is reading)."""
        self.stopping.set()
        while not self.done.done():
            try:
                self.ready.get(timeout=0.01)  # unblock a thread waiting to hand over a batch
            except queue.Empty:
                pass
