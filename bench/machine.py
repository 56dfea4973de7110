"""What the benchmarks read off this machine and the processes they start: a free loopback
port, the open-files limit, a process's CPU time and peak memory, a percentile."""

from __future__ import annotations

import os
import resource
import signal
import socket
import statistics
import subprocess
from dataclasses import asdict
from pathlib import Path

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# The environment of a server under test: every phone a benchmark runs comes from this
# machine's one address, which the cap on connections per address (sized for a ward behind
# one NAT) would otherwise refuse past a few hundred phones.
def one_address_env() -> dict[str, str]:
    """The environment for an app server whose thousands of phones all come from 127.0.0.1:
    the allowance of joins per address (services/limits.py) and the cap on connections per
    address (facilitation/serving) are lifted, as for a venue whose whole audience arrives
    through one address."""
    return {**os.environ, "APPRECIATE_LIMIT_JOINS_PER_ADDRESS": "1000000 per minute",
            "APPRECIATE_CONNECTIONS_PER_ADDRESS": "0"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def raise_fd_limit() -> None:
    """Thousands of sockets need thousands of file descriptors."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))


def cpu_seconds(pid: int) -> float:
    """User and system CPU seconds the process has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def peak_rss_mb(pid: int) -> float:
    """The most memory the process has held at once."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def percentile(ordered: list[float], share: float) -> float:
    """The value below which ``share`` of the sorted values lie (nan if there are none)."""
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def stop_server(process: subprocess.Popen) -> None:
    """Ask a server to stop (SIGTERM, as Ctrl+C would); kill it if it has not within 10 s."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def median_rows(results: dict[str, list], columns: list[str], digits: int) -> dict[str, dict]:
    """Per kind of run, one row of the medians of its repeats (the first run's other fields)."""
    medians = {}
    for target, runs in results.items():
        row = asdict(runs[0])
        for name in columns:
            row[name] = round(statistics.median(getattr(run, name) for run in runs), digits)
        row["target"] = f"{target} (median of {len(runs)})"
        medians[target] = row
    return medians
