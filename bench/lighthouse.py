"""First paint on a poor network: Lighthouse 12 on Debian's Chromium against the real pages.

    python bench/lighthouse.py --repeat 3

Starts Appreciate (``python app.py``) on a fresh data folder on 127.0.0.1 with a workshop in
Define and a few cards shared, then runs Lighthouse on each page as its people reach it,
with the profile of a phone on a poor hospital network: round trips of 400 ms, 400 kbit/s,
the processor slowed six times (Lighthouse's simulated throttling). Pages:

- ``baseline``: the accessibility statement, a plain page of ours with the same stylesheet
  and no script: the least any page costs on this profile.
- ``join (QR)``: the address inside the QR code, as a phone opens it.
- ``phone``: a participant's room, with their cookie.
- ``projector``: the facilitator's projector page at 1920×1080 (desktop).
- ``report``: the facilitator's report page.

For each page: first contentful paint, largest contentful paint, cumulative layout shift,
total blocking time and the four category scores, as medians over ``--repeat`` runs, then
each page's first paint as a ratio of the baseline's, and the audits that did not pass.
Lighthouse itself (the npm package, pinned below) is installed into bench/.lighthouse on
the first run. Loopback only; the server is stopped at the end.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from machine import free_port

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_VERSION = "12.8.2"
TOOLS = ROOT / "bench" / ".lighthouse"
CHROMIUM = "/usr/bin/chromium"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PROFILE = ["--throttling-method=simulate", "--throttling.rttMs=400",
           "--throttling.throughputKbps=400", "--throttling.cpuSlowdownMultiplier=6"]
DESKTOP = ["--form-factor=desktop", "--screenEmulation.mobile=false",
           "--screenEmulation.width=1920", "--screenEmulation.height=1080",
           "--screenEmulation.deviceScaleFactor=1"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
METRICS = {"first-contentful-paint": "fcp_s", "largest-contentful-paint": "lcp_s",
           "cumulative-layout-shift": "cls", "total-blocking-time": "tbt_ms"}


def lighthouse() -> Path:
    """The pinned Lighthouse, installed from npm on first use."""
    binary = TOOLS / "node_modules" / ".bin" / "lighthouse"
    installed = TOOLS / "node_modules" / "lighthouse" / "package.json"
    if not installed.exists() or json.loads(installed.read_text())["version"] != LIGHTHOUSE_VERSION:
        TOOLS.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(TOOLS), "--no-audit", "--no-fund",
                        f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True, timeout=600)
    return binary


class Workshop:
    """A server with a workshop in Define, its facilitator and one participant."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        data = workdir / "data"
        created = subprocess.run(
            [sys.executable, str(ROOT / "app.py"), "new", "--plan", "at-our-best-with-each-other",
             "--title", "Ward 7 away morning", "--data-dir", str(data), "--public-url", self.base],
            capture_output=True, text=True, check=True, timeout=60)
        self.code = re.search(r"Join code:\s+(\S+)", created.stdout).group(1)
        link = re.search(r"Facilitator link:\s+(\S+)", created.stdout).group(1)
        self.log = (workdir / "server.log").open("wb")
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py"), "--host", "127.0.0.1", "--port",
             str(self.port), "--data-dir", str(data)],
            cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(self.base + "/", timeout=2)
                break
            except requests.ConnectionError:
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.2)
        self.facilitator = requests.Session()
        self.facilitator.get(self.base + urlsplit(link).path, timeout=10)
        self._post(self.facilitator, f"/w/{self.code}/facilitate", f"/w/{self.code}/move",
                   {"direction": "forward"})
        self.participant = requests.Session()
        self._post(self.participant, f"/w/{self.code}/join", f"/w/{self.code}/join",
                   {"display_name": ""})
        for n, text in enumerate(("Tired but hopeful", "Curious what we will find",
                                  "Glad to see the night team here too")):
            self._post(self.participant, f"/w/{self.code}/", f"/w/{self.code}/contribute",
                       {"activity": "arrival-hopes", "text": text, "client_id": f"lighthouse-{n}"})

    def _post(self, session: requests.Session, page: str, path: str, form: dict) -> None:
        token = CSRF.search(session.get(self.base + page, timeout=10).text).group(1)
        answer = session.post(self.base + path, data={**form, "csrf_token": token},
                              allow_redirects=False, timeout=10)
        if answer.status_code not in (200, 302, 303):
            raise RuntimeError(f"{path} answered {answer.status_code}")

    def pages(self) -> list[tuple[str, str, requests.Session | None, list[str]]]:
        code = self.code
        return [("baseline", "/accessibility", None, []),
                ("join (QR)", f"/j/{code}", None, []),
                ("phone", f"/w/{code}/", self.participant, []),
                ("projector", f"/w/{code}/projector", self.facilitator, DESKTOP),
                ("report", f"/w/{code}/report", self.facilitator, [])]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def audit(binary: Path, url: str, session: requests.Session | None, extra: list[str],
          out: Path) -> dict:
    headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in session.cookies.items())} \
        if session else {}
    command = [str(binary), url, "--quiet", "--output=json", f"--output-path={out}",
               f"--only-categories={','.join(CATEGORIES)}", *PROFILE, *extra,
               "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run "
               "--disable-background-networking --disable-component-update --disable-sync"]
    if headers:
        command.append("--extra-headers=" + json.dumps(headers))
    subprocess.run(command, check=True, timeout=300, env={**os.environ, "CHROME_PATH": CHROMIUM})
    report = json.loads(out.read_text())
    figures = {name: report["audits"][key]["numericValue"] for key, name in METRICS.items()}
    figures["fcp_s"] /= 1000
    figures["lcp_s"] /= 1000
    for category in CATEGORIES:
        figures[category] = round(100 * (report["categories"][category]["score"] or 0))
    figures["failing"] = sorted(
        key for key, a in report["audits"].items()
        if a.get("score") is not None and a["score"] < 1
        and a.get("scoreDisplayMode") in ("binary", "metricSavings", "numeric")
        and key not in METRICS and key not in ("speed-index", "interactive", "max-potential-fid"))
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(prog="python bench/lighthouse.py",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--keep", action="store_true", help="keep the Lighthouse reports")
    args = parser.parse_args()
    binary = lighthouse()
    workdir = Path(tempfile.mkdtemp(prefix="appreciate-lighthouse-"))
    workshop = Workshop(workdir)
    runs: dict[str, list[dict]] = {}
    try:
        for repeat in range(args.repeat):
            for n, (name, path, session, extra) in enumerate(workshop.pages()):
                out = workdir / f"{n}-{repeat}.json"
                runs.setdefault(name, []).append(
                    audit(binary, workshop.base + path, session, extra, out))
    finally:
        workshop.stop()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"reports kept in {workdir}")
    columns = ["fcp_s", "lcp_s", "cls", "tbt_ms", *CATEGORIES]
    print("page | " + " | ".join(columns) + f" (medians of {args.repeat})")
    medians = {}
    for name, results in runs.items():
        medians[name] = {c: statistics.median(r[c] for r in results) for c in columns}
        print(f"{name} | " + " | ".join(f"{medians[name][c]:.3g}" for c in columns))
    floor = medians["baseline"]["fcp_s"]
    for name, row in medians.items():
        if name != "baseline":
            print(f"{name}: first paint {row['fcp_s'] / floor:.2f} × the baseline's")
    for name, results in runs.items():
        failing = sorted({key for r in results for key in r["failing"]})
        if failing:
            print(f"{name}: not passing in some run: {', '.join(failing)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
