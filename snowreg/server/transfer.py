"""PUT and GET over the protocol: stage information whose presigned URLs point back at this server.

The drivers move files the way they do against a GCS-backed account: the answer to PUT/GET names a
"GCS" stage with a presigned URL per file, and the driver uploads (HTTP PUT) or downloads (HTTP GET)
there. Those URLs are this server's, each carrying an unguessable ticket that expires (an upload
ticket works once). The server itself
never reads or writes a path a client names: uploaded bytes land in the session's own folder of the
server's scratch and go into the stage through the session's connection (so its privileges apply), and GET
copies stage files into that folder for the driver to fetch; the session's statements may touch no other
host file (engine Session.host_files).
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlparse

from snowreg import errors
from snowreg.grammar import ast
from snowreg.grammar.render import stage as render_stage
from snowreg.params import literal
from snowreg.server.sessions import HttpSession

TICKET_SECONDS = 3600
GZIP_MAGIC = b"\x1f\x8b"
PREFIX = "/snowreg/stage-files/"
UPLOAD_SIGNED_HEADERS = ("?X-Goog-SignedHeaders="
                         + quote("host;x-goog-if-generation-match;x-goog-meta-sfc-digest", safe=""))


@dataclass
class Ticket:
    """One presigned URL: an upload into a stage location, or a prepared download."""

    session: HttpSession
    kind: str  # "upload" | "download"
    path: Path | None  # download: the prepared file
    stage: str = ""
    name: str = ""
    overwrite: bool = False
    expires: float = 0.0
    gzipped_name: bool = False  # upload: gzip bytes are stored as `<name>.gz` (the driver compressed them)


class Transfers:
    """The tickets of one server and its scratch folder."""

    def __init__(self) -> None:
        self._tickets: dict[str, Ticket] = {}
        self._folders: dict[Path, float] = {}  # GET folders and when they may go
        self._lock = threading.Lock()

    def close(self) -> None:
        """Forget the tickets (the folders they point into are the sessions', removed with them)."""
        with self._lock:
            self._tickets.clear()
            self._folders.clear()

    def _ticket(self, ticket: Ticket, base_url: str, name: str) -> str:
        key = secrets.token_urlsafe(24)
        ticket.expires = time.monotonic() + TICKET_SECONDS
        with self._lock:
            now = time.monotonic()
            for old in [k for k, t in self._tickets.items() if t.expires < now]:
                self._tickets.pop(old, None)
            for folder in [f for f, until in self._folders.items() if until < now]:
                self._folders.pop(folder, None)
                shutil.rmtree(folder, ignore_errors=True)
            self._tickets[key] = ticket
        url = f"{base_url}{PREFIX}{key}/{name}"
        # An upload URL names the headers it admits, as a GCS V4 signed URL does: the connector 5.x
        # checks that its conditional (OVERWRITE = FALSE) upload headers are among them.
        return url + UPLOAD_SIGNED_HEADERS if ticket.kind == "upload" else url

    # -- the PUT / GET statements -------------------------------------------------------------

    def put(self, session: HttpSession, stmt: ast.Put, base_url: str) -> dict[str, Any]:
        """UPLOAD instructions. The connector 4.x expands the local files and asks again per file (the
        PUT naming that file, compressed name and all) for its URL; the connector 5.x uploads through this
        first URL and asks per file only when the upload is answered 400. So the URL of a wildcard, which
        names no one file, answers 400, and under AUTO_COMPRESS gzip bytes land as `<name>.gz`, the name
        the driver reports."""
        local = _local(stmt.local)
        name = os.path.basename(local)
        options = {k.upper(): v.strip("'\"").upper() for k, v in stmt.options}
        auto_compress = options.get("AUTO_COMPRESS", "TRUE") == "TRUE"
        source_compression = options.get("SOURCE_COMPRESSION", "AUTO_DETECT")
        ticket = Ticket(session, "upload", None, render_stage(stmt.stage), name,
                        options.get("OVERWRITE", "FALSE") == "TRUE",
                        gzipped_name=auto_compress and source_compression == "AUTO_DETECT")
        if any(c in name for c in "*?"):
            # A URL of no ticket: its upload (and HEAD) answers 400.
            url = f"{base_url}{PREFIX}{secrets.token_urlsafe(24)}/{quote(name)}{UPLOAD_SIGNED_HEADERS}"
        else:
            url = self._ticket(ticket, base_url, name)
        return {"command": "UPLOAD", "src_locations": [local], "parallel": 4,
                "autoCompress": auto_compress, "sourceCompression": source_compression.lower(),
                "overwrite": ticket.overwrite, "encryptionMaterial": None,
                "stageInfo": _stage_info(url), "rowtype": [], "rowset": []}

    def get(self, session: HttpSession, stmt: ast.Get, base_url: str) -> dict[str, Any]:
        """DOWNLOAD instructions: the stage's files copied to scratch (with the session's privileges).

        Like Snowflake's GET, files land under their base names (the same name twice: the last wins).
        """
        folder = Path(tempfile.mkdtemp(dir=_folder(session)))
        with self._lock:
            self._folders[folder] = time.monotonic() + TICKET_SECONDS
        command = f"GET {render_stage(stmt.stage)} {literal('file://' + folder.as_posix() + '/')}"
        if stmt.pattern is not None:
            command += f" PATTERN = {literal(stmt.pattern)}"
        cur = session.conn.cursor()
        cur.execute(command)
        names = [row[0] for row in cur.fetchall()]
        urls = [self._ticket(Ticket(session, "download", folder / n), base_url, n) for n in names]
        return {"command": "DOWNLOAD", "src_locations": names, "presignedUrls": urls, "parallel": 4,
                "localLocation": _local(stmt.local), "encryptionMaterial": None,
                "stageInfo": _stage_info(None), "rowtype": [], "rowset": []}

    # -- the presigned URLs -------------------------------------------------------------------

    def _peek(self, path: str, kind: str) -> bool:
        key = path[len(PREFIX):].split("/", 1)[0]
        with self._lock:
            ticket = self._tickets.get(key)
            return ticket is not None and ticket.kind == kind and ticket.expires >= time.monotonic()

    def _take(self, path: str, kind: str) -> Ticket | None:
        key = path[len(PREFIX):].split("/", 1)[0]
        with self._lock:
            ticket = self._tickets.get(key)
            if ticket is None or ticket.kind != kind or ticket.expires < time.monotonic():
                return None
            if kind == "upload":
                self._tickets.pop(key, None)
        return ticket

    def upload(self, path: str, body: bytes, only_if_new: bool = False) -> tuple[int, str]:
        """HTTP PUT on an upload URL: the bytes go into the stage through the session's connection.

        `only_if_new` is GCS's `x-goog-if-generation-match: 0`: a file already in the stage is then
        answered 412, which the connector 5.x reports as SKIPPED.
        """
        ticket = self._take(path, "upload")
        if ticket is None:
            return 400, "The presigned URL is unknown or has expired."
        if ticket.name in ("", ".", "..") or "/" in ticket.name or "\\" in ticket.name:
            return 400, f"Not a file name: {ticket.name!r}"
        name = ticket.name
        if ticket.gzipped_name and body[:2] == GZIP_MAGIC and not name.lower().endswith(".gz"):
            name += ".gz"
        try:
            target = Path(tempfile.mkdtemp(dir=_folder(ticket.session))) / name
        except errors.Error:
            return 400, "The session of the presigned URL has ended."
        target.write_bytes(body)
        try:
            with ticket.session.lock:
                cur = ticket.session.conn.cursor()
                cur.execute(f"PUT {literal('file://' + target.as_posix())} {ticket.stage} AUTO_COMPRESS = FALSE "
                            f"OVERWRITE = {'TRUE' if ticket.overwrite else 'FALSE'}")
                skipped = any(row[6] == "SKIPPED" for row in cur.fetchall())
        except errors.Error as e:
            return 403, str(e)
        finally:
            shutil.rmtree(target.parent, ignore_errors=True)
        if skipped and only_if_new:
            return 412, "The file is already in the stage."
        return 200, ""

    def session_of(self, path: str, kind: str) -> HttpSession | None:
        """The session a live upload or download URL was handed to (None: no such live ticket); asked
        before an upload's body is read, and whether that session still stands."""
        key = path[len(PREFIX):].split("/", 1)[0]
        with self._lock:
            ticket = self._tickets.get(key)
            if ticket is None or ticket.kind != kind or ticket.expires < time.monotonic():
                return None
            return ticket.session

    def exists(self, path: str) -> int:
        """HTTP HEAD on an upload URL (the connector 5.x asks before a conditional upload): 404.

        Whether the file is already there is answered by the conditional upload itself (412).
        """
        return 404 if self._peek(path, "upload") else 400

    def download(self, path: str) -> tuple[int, bytes]:
        ticket = self._take(path, "download")
        if ticket is None or ticket.path is None or not ticket.path.is_file():
            return 404, b"The presigned URL is unknown or has expired."
        return 200, ticket.path.read_bytes()


def _folder(session: HttpSession) -> Path:
    """The session's own folder of the server's scratch (Sessions.login made it)."""
    folder = session.conn.session.host_files
    if folder is None or not folder.is_dir():
        raise errors.session_gone()
    return folder


def _local(url: str) -> str:
    """The client-side path of a `file://` URL (only echoed back to the client, never opened here)."""
    if url.lower().startswith("file://"):
        parsed = urlparse(url)
        return unquote(parsed.netloc + parsed.path)
    return url


def _stage_info(presigned_url: str | None) -> dict[str, Any]:
    return {"locationType": "GCS", "location": "snowreg-stage/", "path": "", "region": "local",
            "storageAccount": None, "isClientSideEncrypted": False, "creds": {}, "presignedUrl": presigned_url,
            "endPoint": None, "useRegionalUrl": False}
