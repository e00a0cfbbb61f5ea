"""A DuckDB result read as Arrow batches; optionally the next one read in a thread while the caller works on this one.

DuckDB and the model both release the GIL for their work, so on two or more cores the scan of batch k+1
can run while the model runs on batch k (`AHEAD`, off by default: see there). The thread starts only
after a first full batch (a result of one batch costs no thread), reads at most one batch ahead, and
is always joined before the caller closes the reader: the connection runs nothing else while its
stream is open.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterator
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

# Read the next batch in a thread. Off: measured on this 2-core machine at load 5-7 (other processes'
# test suites), 40 interleaved rounds over 1M rows, the thread gave no wall-time gain and cost ~4 ms CPU
# (SUM 88 vs 77 ms wall, 30 vs 26 ms CPU; OBJECT 121 vs 129 ms wall, 40 vs 38 ms CPU); bench_inference
# times it on and off (`ahead on / off`) for a quieter machine, where the scan and the model could overlap.
AHEAD = False


class StreamError(Exception):
    """DuckDB failed while streaming: Arrow's stream hands its message on as an OSError."""

    def __init__(self, error: OSError) -> None:
        super().__init__(str(error))
        self.error = error


def batches(reader: pa.RecordBatchReader, rows: int, check: Callable[[], None],
            ahead: bool = True) -> Generator[pa.RecordBatch, None, None]:
    """The reader's non-empty batches in order (`rows` a full batch); `check` (the statement's cancel)
    runs before each. `ahead` False: no thread (the query calls Python UDFs, which must not run while
    the caller runs a model). Closing the iterator stops and joins the thread: close it (contextlib's
    `closing`) before closing the reader."""
    check()
    first = _next(reader)
    if first is None:
        return
    if first.num_rows:
        yield first
    if first.num_rows < rows or not (AHEAD and ahead):  # a short batch is the last one
        yield from _in_turn(reader, check)
        return
    tail = _Ahead(reader, check)
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


def _in_turn(reader: pa.RecordBatchReader, check: Callable[[], None]) -> Iterator[pa.RecordBatch]:
    while True:
        check()
        batch = _next(reader)
        if batch is None:
            return
        if batch.num_rows:
            yield batch


class _Ahead:
    """The reader's batches, each read by a thread while the caller works on the one before."""

    def __init__(self, reader: pa.RecordBatchReader, check: Callable[[], None]) -> None:
        self.reader, self.check = reader, check
        self.ready: queue.Queue[pa.RecordBatch | BaseException | None] = queue.Queue(maxsize=1)
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._read, name="snowreg-stream", daemon=True)
        self.thread.start()

    def _read(self) -> None:
        try:
            while not self.stopping.is_set():
                batch = _next(self.reader)
                self.ready.put(batch)
                if batch is None:
                    return
        except BaseException as e:  # noqa: BLE001 - handed to the caller's thread, raised there
            self.ready.put(e)

    def __iter__(self) -> Iterator[pa.RecordBatch]:
        while True:
            self.check()
            item = self.ready.get()
            if item is None:
                return
            if isinstance(item, BaseException):
                raise item
            if item.num_rows:
                yield item

    def stop(self) -> None:
        """Stop reading ahead and wait for the thread (at most the batch it is reading)."""
        self.stopping.set()
        while self.thread.is_alive():
            try:
                self.ready.get(timeout=0.01)  # unblock a thread waiting to hand over a batch
            except queue.Empty:
                pass
        self.thread.join()
