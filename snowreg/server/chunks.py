"""Large results as Snowflake sends them: the first rows inline, the rest as chunks the driver downloads.

A query answer with more than `INLINE_ROWS` rows carries the first rows in `rowset` / `rowsetBase64`
and a `chunks` list (`url`, `rowCount`, `uncompressedSize`, `compressedSize`) with `chunkHeaders`; the
drivers fetch each URL with those headers (on Snowflake: a presigned cloud-storage URL and the SSE-C
key; here: this server's `/snowreg/result-chunks/<ticket>/<n>` and a per-result key). A JSON chunk is
the rows without the enclosing brackets (the drivers read `"[" + body + "]"`), an Arrow chunk one IPC
stream with its own schema. Chunks are encoded once, when the query finishes, and expire like
presigned URLs do; the unguessable ticket and its key are the only credentials, so a result can be
fetched again by its owner (RESULT_SCAN, get_results_from_sfqid) while it is kept.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from snowreg.server import rowsets

PREFIX = "/snowreg/result-chunks/"
KEY_HEADER = "x-snowreg-chunk-key"
INLINE_ROWS = 10_000  # rows a result carries inline; larger ones add chunks
CHUNK_ROWS = 50_000  # rows per downloaded chunk
CHUNK_SECONDS = 6 * 3600  # how long chunk URLs work, as Snowflake's presigned result URLs
KEPT_CHUNKED = 64  # chunked results kept per user at once (the user's oldest dropped first)


@dataclass
class ChunkedResult:
    """The encoded chunks of one result and the key their download must present."""

    key: str
    chunks: list[bytes]
    expires: float
    user: str = ""


class Chunks:
    """The chunked results of one server, by ticket."""

    def __init__(self) -> None:
        self._results: OrderedDict[str, ChunkedResult] = OrderedDict()
        self._lock = threading.Lock()

    def split(self, data: dict[str, Any], description: Sequence[Any], rows: Sequence[Sequence[Any]],
              arrow: bool, base_url: str, user: str = "") -> Sequence[Sequence[Any]]:
        """The rows to send inline; the rest become chunks described in `data` (`chunks`, `chunkHeaders`)."""
        if len(rows) <= INLINE_ROWS:
            return rows
        encoded = []
        for start in range(INLINE_ROWS, len(rows), CHUNK_ROWS):
            part = rows[start:start + CHUNK_ROWS]
            encoded.append((len(part), rowsets.arrow_stream(description, part) if arrow
                            else orjson.dumps(rowsets.json_rowset(description, part))[1:-1]))
        ticket, key = secrets.token_urlsafe(24), secrets.token_urlsafe(24)
        self._keep(ticket, ChunkedResult(key, [body for _, body in encoded], time.monotonic() + CHUNK_SECONDS, user))
        data["chunks"] = [{"url": f"{base_url}{PREFIX}{ticket}/{i}", "rowCount": count,
                           "uncompressedSize": len(body), "compressedSize": len(body)}
                          for i, (count, body) in enumerate(encoded)]
        data["chunkHeaders"] = {KEY_HEADER: key}
        return rows[:INLINE_ROWS]

    def _keep(self, ticket: str, result: ChunkedResult) -> None:
        with self._lock:
            now = time.monotonic()
            for old in [t for t, r in self._results.items() if r.expires < now]:
                self._results.pop(old, None)
            self._results[ticket] = result
            mine = [t for t, r in self._results.items() if r.user == result.user]  # never another user's
            for old in mine[:max(0, len(mine) - KEPT_CHUNKED)]:
                self._results.pop(old, None)

    def download(self, path: str, key: str | None) -> tuple[int, bytes]:
        """GET of a chunk URL: its bytes, or 404 for an unknown, expired or unkeyed one."""
        ticket, _, number = path[len(PREFIX):].partition("/")
        with self._lock:
            result = self._results.get(ticket)
        if result is None or result.expires < time.monotonic() or not number.isdigit() \
                or not secrets.compare_digest(key or "", result.key) or int(number) >= len(result.chunks):
            return 404, b"The result chunk is unknown or has expired."
        return 200, result.chunks[int(number)]
