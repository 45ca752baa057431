"""A throwaway PostgreSQL cluster under /tmp, on its own port, to be stopped and started at will.

The fault runs (`benchmarks/load.py --restart-db`, tests/test_outage.py) restart a
database in the middle of the traffic. They never touch the shared cluster on 5432:
they create their own with `initdb` (as the `postgres` user when run as root, since
PostgreSQL refuses to run as root), trust authentication on 127.0.0.1 only, its socket
in its own directory, and remove it afterwards.
"""

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DEFAULT_PORT = 55432


def tools_available() -> bool:
    """Whether initdb and pg_ctl can be run here (as `postgres` when we are root)."""
    if not (shutil.which("initdb") and shutil.which("pg_ctl")):
        return False
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return False
        return bool(shutil.which("runuser"))
    return True


def free_port(preferred: int | None = None) -> int:
    """`preferred` when nothing listens there on 127.0.0.1, else a free port the system picks."""
    for port in ([preferred] if preferred else []) + [0]:
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise RuntimeError("no free port")


class ThrowawayCluster:
    """A PostgreSQL cluster in a temporary directory: `start()`, `stop()`, `remove()`."""

    def __init__(self, port: int | None = None) -> None:
        self.port = free_port(port or DEFAULT_PORT)
        self.directory = Path(tempfile.mkdtemp(prefix="rolo-pg-"))
        self.data = self.directory / "data"
        self.log = self.directory / "postgres.log"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            owner = pwd.getpwnam("postgres")
            os.chown(self.directory, owner.pw_uid, owner.pw_gid)

    def _run(self, *command: str, timeout: float = 60) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_postgres else []
        subprocess.run(
            [*prefix, *command], check=True, capture_output=True, text=True, timeout=timeout
        )

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def create(self) -> "ThrowawayCluster":
        """Initialize the cluster (a few seconds); fsync off, since it is thrown away."""
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--no-sync", "-E", "UTF8", "--locale=C.UTF-8",
        )  # fmt: skip
        return self

    def start(self) -> float:
        """Start the cluster and wait until it accepts connections; return when that was."""
        options = (
            f"-c port={self.port} -c listen_addresses=127.0.0.1 "
            f"-c unix_socket_directories={self.directory} -c fsync=off "
            "-c max_connections=100 -c shared_buffers=64MB"
        )
        self._run(
            "pg_ctl", "start", "-w", "-t", "60", "-D", str(self.data),
            "-l", str(self.log), "-o", options,
        )  # fmt: skip
        return time.monotonic()

    def stop(self, mode: str = "fast") -> float:
        """Stop the cluster (`fast` disconnects its clients); return when it was down."""
        self._run("pg_ctl", "stop", "-w", "-t", "60", "-m", mode, "-D", str(self.data))
        return time.monotonic()

    def running(self) -> bool:
        prefix = ["runuser", "-u", "postgres", "--"] if self._as_postgres else []
        result = subprocess.run(
            [*prefix, "pg_ctl", "status", "-D", str(self.data)], capture_output=True
        )
        return result.returncode == 0

    def remove(self) -> None:
        """Stop the cluster if it runs and delete its directory."""
        if self.data.exists() and self.running():
            self.stop("immediate")
        shutil.rmtree(self.directory, ignore_errors=True)

    def __enter__(self) -> "ThrowawayCluster":
        try:
            self.create()
            self.start()
        except BaseException:
            self.remove()
            raise
        return self

    def __exit__(self, *exc_info) -> None:
        self.remove()
