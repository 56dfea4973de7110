"""What a rate-limit check costs: microseconds per check, in this process's memory (one
process) and in a real Redis (scaled out).

    python bench/limits_cost.py [--checks 20000] [--keys 4000]

Runs a few seconds. Each check is made for one of ``--keys`` senders in turn (connections,
people or addresses), as a big room spreads them. Redis is a throw-away ``redis-server`` on
a free loopback port (skipped, with the reason, when it is not installed); the app's own
Redis would usually be another machine, so add its round trip to those figures.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from machine import free_port

from facilitation.services.access import Actor
from facilitation.services.limits import Limits, Rates, storage_for

ROOMY = Rates(sharing="1000000 per hour", events="1000000 per hour",
              joins_per_device="1000000 per hour", joins_per_address="1000000 per hour",
              wrong_codes="1000000 per hour")


def microseconds(check: Callable[[int], None], checks: int, keys: int) -> float:
    started = time.perf_counter()
    for n in range(checks):
        check(n % keys)
    return (time.perf_counter() - started) / checks * 1e6


def rows(limits: Limits) -> dict[str, Callable[[int], None]]:
    return {
        "event (per connection)": lambda n: limits.check_event(f"sid-{n}", None),
        "sharing (person + device)": lambda n: limits.check_sharing(
            Actor(1, "participant", f"p-{n}", device=f"d-{n}")),
        "join (device + address)": lambda n: limits.check_join(f"d-{n}", f"10.0.{n // 250}.1"),
        "join-code lookup (address)": lambda n: limits.check_lookup(f"10.0.{n // 250}.1"),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=20000)
    parser.add_argument("--keys", type=int, default=4000)
    args = parser.parse_args()
    print("| check | storage | µs per check |")
    print("| --- | --- | --- |")
    for name, check in rows(Limits(ROOMY)).items():
        print(f"| {name} | memory | {microseconds(check, args.checks, args.keys):.1f} |")
    binary = shutil.which("redis-server")
    if binary is None:
        print("(no redis-server here: apt-get install -y redis-server for the Redis rows)")
        return
    port = free_port()
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                               "--appendonly", "no"], stdout=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        redis = Limits(ROOMY, storage_for(f"redis://127.0.0.1:{port}/0"))
        checks = max(1, args.checks // 10)  # a round trip each: fewer suffice
        for name, check in rows(redis).items():
            if name.startswith("event"):
                continue  # per connection: always in the process's memory
            print(f"| {name} | Redis on loopback | {microseconds(check, checks, args.keys):.1f} |")
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
