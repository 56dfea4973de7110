"""Shared fixtures: an app on a temporary data directory, its clients, and a real server."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from xdist.workermanage import WorkerController

from facilitation import runtime_of, socketio_of
from facilitation.startup import prepared

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture()
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture()
def app(data_dir: Path):
    app = prepared({"DATA_DIR": str(data_dir), "TESTING": True,
                      "SOCKETIO_ASYNC_MODE": "threading"})
    yield app
    runtime_of(app).store.dispose()


@pytest.fixture()
def runtime(app):
    return runtime_of(app)


@pytest.fixture()
def socketio(app):
    return socketio_of(app)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, process: subprocess.Popen, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early with code {process.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"server did not listen on port {port} within {timeout} s")


class ServerProcess:
    """``python app.py`` as a facilitator would run it, on a free loopback port."""

    def __init__(self, data_dir: Path, log_path: Path, *options: str,
                 env: dict[str, str] | None = None) -> None:
        self.data_dir = data_dir
        self.log_path = log_path
        self.options = options
        self.env = env
        self.port = free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> ServerProcess:
        self.launch()
        assert self.process is not None
        try:
            wait_for_port(self.port, self.process)
        except RuntimeError:
            self.kill()
            raise
        return self

    def launch(self) -> ServerProcess:
        """Start without waiting for it to listen (several processes starting together)."""
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1",
                 "--port", str(self.port), "--data-dir", str(self.data_dir), *self.options],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        return self

    def restart(self) -> ServerProcess:
        """Start again on the same port and data, as a facilitator would after a crash."""
        self.stop()
        return self.start()

    def kill(self) -> None:
        """SIGKILL: no chance to clean up, like a crash or a pulled plug."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture()
def server(tmp_path: Path):
    """A real server process; tests may kill and start it again on the same data."""
    process = ServerProcess(tmp_path / "server-data", tmp_path / "server.log").start()
    yield process
    process.stop()


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    message = ("Browser tests need Debian's Chromium at /usr/bin/chromium "
               "(apt-get install -y chromium).")
    if os.environ.get("CI") == "true":
        pytest.fail(message + " In CI the browser tests must run, so this is a failure.")
    pytest.skip(message)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Use Debian's Chromium, never a downloaded browser; quiet on a closed network."""
    _require_chromium()
    return {**browser_type_launch_args, "executable_path": str(CHROMIUM),
            "args": ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--no-first-run",
                     "--disable-quic"]}


class FaultLedger:
    """The figures the reliability tests report at the end of a run: faults injected, bad
    inputs tried, contributions acknowledged and lost (the goal is zero)."""

    def __init__(self) -> None:
        self.faults: Counter[str] = Counter()
        self.bad_inputs: Counter[str] = Counter()
        self.acknowledged = 0
        self.lost = 0
        self.resent_after_lost_ack = 0

    def as_dict(self) -> dict:
        return {"faults": dict(self.faults), "bad_inputs": dict(self.bad_inputs),
                "acknowledged": self.acknowledged, "lost": self.lost,
                "resent_after_lost_ack": self.resent_after_lost_ack}

    def add(self, figures: dict) -> None:
        """Add the figures another test process counted (parallel workers)."""
        self.faults.update(figures["faults"])
        self.bad_inputs.update(figures["bad_inputs"])
        self.acknowledged += figures["acknowledged"]
        self.lost += figures["lost"]
        self.resent_after_lost_ack += figures["resent_after_lost_ack"]

    def summary(self) -> str:
        def detail(counter: Counter[str]) -> str:
            return ", ".join(f"{count} {kind}" for kind, count in sorted(counter.items()))

        return (f"faults injected: {sum(self.faults.values())} ({detail(self.faults)}); "
                f"bad inputs tried: {sum(self.bad_inputs.values())} ({detail(self.bad_inputs)}); "
                f"contributions acknowledged under faults: {self.acknowledged}, lost: {self.lost}; "
                f"sent again after a lost acknowledgement and stored once: "
                f"{self.resent_after_lost_ack}")


_LEDGER = FaultLedger()


@pytest.fixture(scope="session")
def ledger() -> FaultLedger:
    return _LEDGER


def pytest_sessionfinish(session: pytest.Session) -> None:
    """A parallel worker hands its figures to the process that reports them."""
    output = getattr(session.config, "workeroutput", None)
    if output is not None:
        output["ledger"] = _LEDGER.as_dict()


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: WorkerController, error: object | None) -> None:  # pytest-xdist's hook
    figures = getattr(node, "workeroutput", {}).get("ledger")
    if figures:
        _LEDGER.add(figures)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _LEDGER.faults or _LEDGER.bad_inputs or _LEDGER.acknowledged:
        terminalreporter.write_sep("-", "reliability figures")
        terminalreporter.write_line(_LEDGER.summary())
