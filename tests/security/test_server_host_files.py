"""Over `snowreg serve` a statement never reads or writes the server's own files, however it is sent.

PUT and GET name the client's files: the server answers them with presigned URLs and moves only the
bytes the client sends or fetches. A PUT or GET wrapped in EXECUTE IMMEDIATE (a string, `$$…$$` or a
session variable) reaches the engine itself, which then must not open a path on the server's host.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import snowreg
import snowreg.server


@pytest.fixture
def client(tmp_path: Path) -> Iterator[Any]:
    served = snowreg.server.start(database="DB", schema="PUBLIC", admin_password="admin-pw")
    thread = threading.Thread(target=served.serve_forever, daemon=True)
    thread.start()
    conn = snowreg.connect(server=served.url, user="ADMIN", password="admin-pw", database="DB", schema="PUBLIC")
    conn.cursor().execute("CREATE STAGE S")
    seed = tmp_path / "client.txt"
    seed.write_text("in the stage")  # put there in process, as the server's own (unrestricted) connection may
    served.sessions.root.cursor().execute(f"PUT '{seed.as_uri()}' @DB.PUBLIC.S AUTO_COMPRESS = FALSE")
    yield conn
    conn.close()
    served.stop()
    thread.join(timeout=30)


def _quoted(sql: str) -> str:
    return sql.replace("'", "''")


@pytest.mark.parametrize("wrap", [
    lambda sql: f"EXECUTE IMMEDIATE '{_quoted(sql)}'",
    lambda sql: f"EXECUTE IMMEDIATE $${sql}$$",
    lambda sql: f"EXECUTE IMMEDIATE 'EXECUTE IMMEDIATE ''{_quoted(_quoted(sql))}'''",
], ids=["string", "dollars", "nested"])
def test_a_wrapped_put_does_not_read_the_servers_files(client: Any, tmp_path: Path, wrap: Any) -> None:
    secret = tmp_path / "server_secret.txt"
    secret.write_text("server-side secret")
    cur = client.cursor()
    for source in (secret.as_uri(), f"file://{tmp_path}/*", "file:///etc/hostname"):
        with pytest.raises(snowreg.Error):
            cur.execute(wrap(f"PUT '{source}' @S AUTO_COMPRESS = FALSE"))
    assert [r[0] for r in cur.execute("LIST @S").fetchall()] == ["s/client.txt"]


def test_a_put_through_a_session_variable_does_not_read_the_servers_files(client: Any, tmp_path: Path) -> None:
    secret = tmp_path / "server_secret.txt"
    secret.write_text("server-side secret")
    cur = client.cursor()
    cur.execute(f"SET P = 'PUT ''{secret.as_uri()}'' @S AUTO_COMPRESS = FALSE'")
    with pytest.raises(snowreg.Error):
        cur.execute("EXECUTE IMMEDIATE $P")
    assert [r[0] for r in cur.execute("LIST @S").fetchall()] == ["s/client.txt"]


@pytest.mark.parametrize("wrap", [
    lambda sql: f"EXECUTE IMMEDIATE '{_quoted(sql)}'",
    lambda sql: f"EXECUTE IMMEDIATE $${sql}$$",
], ids=["string", "dollars"])
def test_a_wrapped_get_does_not_write_the_servers_files(client: Any, tmp_path: Path, wrap: Any) -> None:
    cur = client.cursor()
    assert [r[0] for r in cur.execute("LIST @S").fetchall()] == ["s/client.txt"]
    target = tmp_path / "written_on_the_server"
    with pytest.raises(snowreg.Error):
        cur.execute(wrap(f"GET @S '{target.as_uri()}/'"))
    assert not target.exists()


def test_a_wrapped_create_stage_on_a_server_folder_is_refused(client: Any, tmp_path: Path) -> None:
    cur = client.cursor()
    with pytest.raises(snowreg.Error):
        cur.execute(f"EXECUTE IMMEDIATE $$CREATE STAGE L URL = '{tmp_path.as_uri()}'$$")
    with pytest.raises(snowreg.Error):
        cur.execute("LIST @L")
