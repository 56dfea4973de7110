"""Real Redis and PostgreSQL servers from Debian's packages, each on a free loopback port.

Missing binaries skip these tests with the reason, except in CI (``CI=true``), where
scale-out must be shown and a missing server is a failure (`.ci/run` installs both).
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import free_port, wait_for_port


def _require(path: str | None, package: str) -> str:
    if path:
        return path
    message = f"Scale-out tests need Debian's {package} (apt-get install -y {package})."
    if os.environ.get("CI") == "true":
        pytest.fail(message + " In CI they must run, so this is a failure.")
    pytest.skip(message)


@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    """A redis-server that keeps nothing on disk, stopped after the session."""
    binary = _require(shutil.which("redis-server") or
                      (os.path.exists("/usr/bin/redis-server") and "/usr/bin/redis-server")
                      or None, "redis-server")
    port = free_port()
    process = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1",
                                "--save", "", "--appendonly", "no"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        wait_for_port(port, process)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def _postgres_bin() -> str | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"))
    return str(Path(found[-1]).parent) if found else None


def _create_database(as_user: list[str], bin_dir: Path, folder: Path, port: int) -> None:
    """createdb through the cluster's own socket (never another test's server that took the
    port), again while the server is still starting: an open port is not yet a ready one."""
    deadline = time.monotonic() + 60
    while True:
        done = subprocess.run([*as_user, str(bin_dir / "createdb"), "-h", str(folder),
                               "-p", str(port), "-U", "appreciate", "appreciate"],
                              capture_output=True, timeout=60, cwd=folder)
        if done.returncode == 0:
            return
        if time.monotonic() > deadline:
            raise RuntimeError(f"createdb failed: {done.stderr.decode(errors='replace')}")
        time.sleep(0.25)


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A throw-away PostgreSQL cluster in a temporary folder.

    PostgreSQL refuses to run as root, so as root (CI) the cluster belongs to the
    ``postgres`` user the Debian package creates, and its programs run through runuser.
    """
    bin_dir = Path(_require(_postgres_bin(), "postgresql"))
    folder = Path(tempfile.mkdtemp(prefix="appreciate-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        owner = pwd.getpwnam("postgres")
        os.chown(folder, owner.pw_uid, owner.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    data = folder / "data"
    subprocess.run([*as_user, str(bin_dir / "initdb"), "-D", str(data), "-A", "trust",
                    "-U", "appreciate", "--no-sync"], check=True, capture_output=True,
                   cwd=folder)
    port = free_port()
    process = subprocess.Popen(
        [*as_user, str(bin_dir / "postgres"), "-D", str(data), "-p", str(port),
         "-c", "listen_addresses=127.0.0.1", "-c", f"unix_socket_directories={folder}",
         "-c", "fsync=off", "-c", "max_connections=200"],
        stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT, cwd=folder)
    try:
        wait_for_port(port, process)
        _create_database(as_user, bin_dir, folder, port)
        yield f"postgresql+psycopg://appreciate@127.0.0.1:{port}/appreciate"
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
