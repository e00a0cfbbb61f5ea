"""A DuckDB result read as Arrow batches, each with the caller's preparation of it (`prepare`);
optionally the next one read and prepared in a thread while the caller works on this one.

DuckDB, numpy's copies and the model all release the GIL for their work, so on two or more cores the
scan and preparation of batch k+1 (for the fast path: the arguments' matrix) can run while the model
runs on batch k (`AHEAD`). The thread (one kept for the process) takes over only after a first full
batch (a result of one batch costs no thread), reads at most one batch ahead, and is always done before
the caller closes the reader: the connection runs nothing else while its stream is open.
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
# measurements behind the choice).
AHEAD = True

Prepared = tuple["pa.RecordBatch", Any]  # a batch and what `prepare` made of it


class StreamError(Exception):
    """DuckDB failed while streaming: Arrow's stream hands its message on as an OSError."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


def batches(reader: pa.RecordBatchReader, rows: int, check: Callable[[], None], ahead: bool = True,
            prepare: Callable[[pa.RecordBatch], Any] = lambda batch: None) -> Generator[Prepared, None, None]:
    """The reader's non-empty batches in order (`rows` a full batch), each with `prepare(batch)`;
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
    if first.num_rows < rows or not (AHEAD and ahead) or not _free_readers.acquire(blocking=False):
        yield from _in_turn(reader, check, prepare)
        return
    tail = _Ahead(reader, check, prepare)
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


def _in_turn(reader: pa.RecordBatchReader, check: Callable[[], None],
             prepare: Callable[[pa.RecordBatch], Any]) -> Iterator[Prepared]:
    while True:
        check()
        batch = _next(reader)
        if batch is None:
            return
        if batch.num_rows:
            yield batch, prepare(batch)


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

    def __init__(self, reader: pa.RecordBatchReader, check: Callable[[], None],
                 prepare: Callable[[pa.RecordBatch], Any]) -> None:
        self.reader, self.check, self.prepare = reader, check, prepare
        self.ready: queue.Queue[Prepared | BaseException | None] = queue.Queue(maxsize=1)
        self.stopping = threading.Event()
        try:
            self.done = _readers().submit(self._read)
        except BaseException:  # e.g. the interpreter is shutting down
            _free_readers.release()
            raise

    def _read(self) -> None:
        try:
            while not self.stopping.is_set():
                batch = _next(self.reader)
                if batch is None:
                    self.ready.put(None)
                    return
                if batch.num_rows:
                    self.ready.put((batch, self.prepare(batch)))
        except BaseException as e:  # noqa: BLE001 - handed to the caller's thread, raised there
            self.ready.put(e)
        finally:
            _free_readers.release()

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
