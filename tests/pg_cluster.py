"""A throwaway PostgreSQL cluster (initdb + pg_ctl) on its own port, for tests that stop and restart a server.

The shared server on 5432 is never touched: fault tests need a database they may kill.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """initdb'd on construction; `start()`, `stop()`, `url`. Runs as the `postgres` user when we are root."""

    def __init__(self) -> None:
        initdb = shutil.which("initdb")
        if initdb is None:
            raise FileNotFoundError("initdb not found")
        self.bin = Path(initdb).resolve().parent
        self.root = Path(tempfile.mkdtemp(prefix="pgfault-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bin / tool), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.1)
        raise TimeoutError("throwaway PostgreSQL did not start")

    def stop(self) -> None:
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def destroy(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop()
        shutil.rmtree(self.root, ignore_errors=True)


def started_cluster() -> Iterator[Cluster]:
    """For a module fixture: a migrated throwaway cluster, or a skip where PostgreSQL is not installed."""
    import pytest

    from claims.db import upgrade

    if shutil.which("initdb") is None:
        pytest.skip("initdb is not installed")
    cluster = Cluster()
    try:
        cluster.start()
        upgrade(cluster.url)
        yield cluster
    finally:
        cluster.destroy()
