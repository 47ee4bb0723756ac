"""A throwaway PostgreSQL server for tests: initdb into a temp dir, Unix socket only, no fsync.

One server per test session is cheap (about a second); isolation comes from
``create_database()``, which clones ``template0`` in about 50 ms.
"""

from __future__ import annotations

import atexit
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType
from typing import Self

import psycopg
import pytest

PG_BIN_ENV = "INCIDENTBOT_PG_BIN"
REQUIRE_ENV = "INCIDENTBOT_REQUIRE_POSTGRES"
PREFERRED_VERSION = "15"
NEEDED_BINARIES = ("initdb", "pg_ctl", "postgres")
SUPERUSER = "postgres"
_DB_NAME_RE = re.compile(r"[a-z_][a-z0-9_]{0,62}")
_LOG_TAIL_LINES = 40


class PostgresUnavailable(RuntimeError):
    """No usable PostgreSQL binaries (or no way to run them); tests may skip on this only."""


class PostgresFailed(RuntimeError):
    """The binaries exist but the server would not start or answer: always a test failure."""


# --------------------------------------------------------------------------------------------
# finding binaries


def _has_binaries(directory: Path) -> bool:
    return all((directory / name).is_file() for name in NEEDED_BINARIES)


def _version_key(directory: Path) -> tuple[int, ...]:
    parts = directory.parent.name.split(".")
    return tuple(int(p) for p in parts if p.isdigit())


def _installed_versions() -> list[Path]:
    found = [d for d in Path("/usr/lib/postgresql").glob("*/bin") if _has_binaries(d)]
    return sorted(found, key=_version_key, reverse=True)


def _pg_config_bindir() -> Path | None:
    pg_config = shutil.which("pg_config")
    if pg_config is None:
        return None
    done = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
    return Path(done.stdout.strip()) if done.returncode == 0 and done.stdout.strip() else None


def find_pg_bin() -> Path:
    """``$INCIDENTBOT_PG_BIN``, else /usr/lib/postgresql/15 (or the newest there), else pg_config."""
    explicit = os.environ.get(PG_BIN_ENV)
    if explicit:
        if _has_binaries(Path(explicit)):
            return Path(explicit)
        raise PostgresUnavailable(f"${PG_BIN_ENV}={explicit} lacks one of {NEEDED_BINARIES}")
    preferred = Path(f"/usr/lib/postgresql/{PREFERRED_VERSION}/bin")
    if _has_binaries(preferred):
        return preferred
    versions = _installed_versions()
    if versions:
        return versions[0]
    bindir = _pg_config_bindir()
    if bindir is not None and _has_binaries(bindir):
        return bindir
    raise PostgresUnavailable(
        f"no PostgreSQL binaries: set ${PG_BIN_ENV} or install postgresql-{PREFERRED_VERSION}"
    )


# --------------------------------------------------------------------------------------------
# running as the right user


def _as_server_user(argv: Sequence[str]) -> list[str]:
    """initdb and postgres refuse to run as root, so root runs them as the postgres user."""
    if os.geteuid() != 0:
        return list(argv)
    runuser = shutil.which("runuser")
    if runuser:
        return [runuser, "-u", SUPERUSER, "--", *argv]
    su = shutil.which("su")
    if su:
        return [su, SUPERUSER, "-s", "/bin/sh", "-c", subprocess.list2cmdline(list(argv))]
    raise PostgresUnavailable("running as root but neither runuser nor su is available")


def _server_user_ids() -> tuple[int, int] | None:
    if os.geteuid() != 0:
        return None
    try:
        entry = pwd.getpwnam(SUPERUSER)
    except KeyError as exc:
        raise PostgresUnavailable(f"running as root but there is no {SUPERUSER!r} user") from exc
    return entry.pw_uid, entry.pw_gid


def _free_port() -> int:
    # Only names the socket file (.s.PGSQL.<port>); TCP stays off.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _tail(path: Path, lines: int = _LOG_TAIL_LINES) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


# --------------------------------------------------------------------------------------------
# the server


class ThrowawayPostgres:
    def __init__(self, bin_dir: Path | None = None) -> None:
        self._bin_dir = bin_dir
        self._root: Path | None = None
        self._port = 0
        self._lock = threading.Lock()
        self._db_counter = 0

    # paths -----------------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._root is not None

    @property
    def root(self) -> Path:
        if self._root is None:
            raise RuntimeError("ThrowawayPostgres is not running; call start() first")
        return self._root

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def socket_dir(self) -> Path:
        return self.root / "sock"

    @property
    def log_file(self) -> Path:
        return self.root / "postgres.log"

    @property
    def port(self) -> int:
        return self._port

    def url(self, database: str = "postgres") -> str:
        """SQLAlchemy URL for psycopg 3 over the Unix socket."""
        return f"postgresql+psycopg://{SUPERUSER}@/{database}?host={self.socket_dir}&port={self._port}"

    # lifecycle -------------------------------------------------------------------------------

    def start(self) -> str:
        if self._root is not None:
            return self.url()
        bin_dir = self._bin_dir or find_pg_bin()
        ids = _server_user_ids()
        root = Path(tempfile.mkdtemp(prefix="incidentbot-pg-"))
        self._root, self._port = root, _free_port()
        # Registered before anything can fail, so a half-started server is still cleaned up.
        atexit.register(self.stop)
        try:
            self._prepare_dirs(ids)
            self._initdb(bin_dir)
            self._pg_ctl_start(bin_dir)
            self._check_answers()
        except BaseException:
            self.stop()
            raise
        return self.url()

    def stop(self) -> None:
        root, self._root = self._root, None
        if root is None:
            return
        atexit.unregister(self.stop)
        bin_dir = self._bin_dir or _quiet_find_pg_bin()
        if bin_dir is not None and (root / "data" / "postmaster.pid").exists():
            argv = [str(bin_dir / "pg_ctl"), "stop", "-D", str(root / "data"), "-m", "immediate"]
            subprocess.run(_as_server_user(argv), capture_output=True, check=False, timeout=30)
        shutil.rmtree(root, ignore_errors=True)

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _prepare_dirs(self, ids: tuple[int, int] | None) -> None:
        self.socket_dir.mkdir()
        self.log_file.touch()
        if ids is None:
            return
        # mkdtemp makes a 0700 dir under /tmp (world-traversable); hand it all to postgres.
        for path in (self.root, self.socket_dir, self.log_file):
            os.chown(path, *ids)

    def _run(self, argv: Sequence[str], what: str, timeout: float = 60) -> None:
        done = subprocess.run(
            _as_server_user(argv),
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
            cwd=self.root,  # postgres may not be able to read the caller's cwd
        )
        if done.returncode != 0:
            raise PostgresFailed(
                f"{what} failed ({done.returncode}): {done.stdout}\n{done.stderr}\n"
                f"--- {self.log_file} ---\n{_tail(self.log_file)}"
            )

    def _initdb(self, bin_dir: Path) -> None:
        argv = [
            str(bin_dir / "initdb"),
            "-D",
            str(self.data_dir),
            "-A",
            "trust",
            "-U",
            SUPERUSER,
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C",
        ]
        self._run(argv, "initdb")

    def _pg_ctl_start(self, bin_dir: Path) -> None:
        options = " ".join(
            [
                "-c listen_addresses=''",
                f"-k {self.socket_dir}",
                f"-p {self._port}",
                # Durability is pointless for a throwaway cluster and costs seconds.
                "-c fsync=off",
                "-c synchronous_commit=off",
                "-c full_page_writes=off",
                "-c max_connections=200",
            ]
        )
        argv = [
            str(bin_dir / "pg_ctl"),
            "start",
            "-w",
            "-t",
            "60",
            "-D",
            str(self.data_dir),
            "-l",
            str(self.log_file),
            "-o",
            options,
        ]
        self._run(argv, "pg_ctl start", timeout=90)

    def _check_answers(self) -> None:
        try:
            with self._connect() as conn:
                conn.execute("select 1")
        except psycopg.Error as exc:
            log = _tail(self.log_file)
            raise PostgresFailed(f"server started but does not answer: {exc}\n{log}") from exc

    def _connect(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        return psycopg.connect(
            host=str(self.socket_dir),
            port=self._port,
            user=SUPERUSER,
            dbname=database,
            autocommit=True,  # CREATE/DROP DATABASE cannot run inside a transaction
        )

    # databases -------------------------------------------------------------------------------

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database (a fresh name if none given) and return its URL."""
        name = name or self._next_name()
        if not _DB_NAME_RE.fullmatch(name):
            raise ValueError(f"database names here are [a-z_][a-z0-9_]*, got {name!r}")
        with self._connect() as conn:
            # template0 has nothing that template1 might have picked up from earlier tests.
            # FILE_COPY (PG15+) is ~3x faster than the WAL_LOG default for a tiny template
            # because fsync is off, so its checkpoints cost nothing.
            strategy = " STRATEGY FILE_COPY" if conn.info.server_version >= 150000 else ""
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0{strategy}')
        return self.url(name)

    def drop_database(self, name: str) -> None:
        if not _DB_NAME_RE.fullmatch(name):
            raise ValueError(f"not a database name here: {name!r}")
        with self._connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def _next_name(self) -> str:
        with self._lock:
            self._db_counter += 1
            return f"test_{os.getpid()}_{self._db_counter}"


def _quiet_find_pg_bin() -> Path | None:
    try:
        return find_pg_bin()
    except PostgresUnavailable:
        return None


# --------------------------------------------------------------------------------------------
# skip policy

_shared: ThrowawayPostgres | None = None
_shared_lock = threading.Lock()


def postgres_or_skip() -> ThrowawayPostgres:
    """The process-wide running server, started on first use.

    Skips the calling test only when PostgreSQL is unavailable (no binaries) and
    ``$INCIDENTBOT_REQUIRE_POSTGRES`` is not "1"; then, and on any start failure, it fails.
    """
    global _shared  # noqa: PLW0603 - one server per test process is the point
    with _shared_lock:
        if _shared is not None and _shared.running:
            return _shared
        server = ThrowawayPostgres()
        try:
            server.start()
        except PostgresUnavailable as exc:
            if os.environ.get(REQUIRE_ENV) == "1":
                pytest.fail(f"PostgreSQL is required (${REQUIRE_ENV}=1): {exc}", pytrace=False)
            pytest.skip(f"PostgreSQL unavailable: {exc}")
        _shared = server
        return server
