"""How long the PDF report takes, and how much memory its renderer needs, for a big workshop.

    python bench/report_pdf.py [--runs 5] [--participants 60] [--contributions 1000]
                               [--against GIT-REF]

It seeds a workshop (by default 60 people and 1,000 cards, with a story each, eight themes,
ranked dreams and propositions, a commitment each, action teams and a check-out), then
renders its full report the way the app does: the model and HTML in this process, the PDF in
a process forked by the warm renderer (facilitation/export/pdf_process.py), which the report
page starts before anyone clicks for the PDF ("report_warm"); and, as before the warm
renderer existed, in a fresh child process that first imports WeasyPrint ("report", with its
CPU time and peak memory). The baseline, measured in the same run and
interleaved with it, is the same child rendering the same words as plain paragraphs with no
styles or bundled fonts, so the ratio shows what the report's design costs over WeasyPrint
itself. With ``--against`` (a commit, e.g. ``main`` or ``HEAD~3``), that commit's own report of
the same seeded workshop, rendered by its own pdf.py with its own styles and fonts, is timed
in the same runs too: on a shared machine only figures from one run compare. Reported:
medians over the runs, and the renderer's peak resident memory.
"""

from __future__ import annotations

import argparse
import html
import io
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pypdf import PdfReader  # noqa: E402

from facilitation import runtime_of  # noqa: E402
from facilitation.export.model import build_report  # noqa: E402
from facilitation.export.pdf_process import PDF_SCRIPT, WarmRenderer  # noqa: E402
from facilitation.export.report_html import render_print_document  # noqa: E402
from facilitation.startup import prepared  # noqa: E402
from tests.workshop_data import seed_large  # noqa: E402

# The app's renderer (pdf.py run as a script), which then reports its own peak memory: Linux
# carries a parent's peak over into a forked child's ru_maxrss, but not into VmHWM.
MEASURED_RENDERER = """
import runpy, sys
sys.argv = [sys.argv[1]]
try:
    runpy.run_path(sys.argv[0], run_name="__main__")
except SystemExit as exit:
    if exit.code:
        raise
with open("/proc/self/status") as status:
    sys.stderr.write(next(line for line in status if line.startswith("VmHWM:")))
"""


# Run inside another commit's tree: its model and templates write its report of the same seed.
OLD_DOCUMENT = """
import sys, tempfile
from pathlib import Path
sys.path.insert(0, str(Path.cwd()))
from facilitation import runtime_of
from facilitation.export.model import build_report
from facilitation.export.report_html import render_print_document
from facilitation.startup import prepared
from tests.workshop_data import seed_large
out, participants, contributions = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
with tempfile.TemporaryDirectory() as data_dir:
    app = prepared({"DATA_DIR": data_dir, "TESTING": True})
    runtime = runtime_of(app)
    workshop_id = seed_large(runtime, participants, contributions).workshop_id
    with app.app_context():
        document = render_print_document(build_report(runtime, workshop_id, "full"))
    Path(out).write_text(document, encoding="utf-8")
    runtime.store.dispose()
"""


def old_report(ref: str, tree: Path, participants: int, contributions: int) -> tuple[str, Path]:
    """``ref``'s document for the same seed, and that commit's pdf.py (reading its static/)."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", ref], capture_output=True,
                             check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    out = tree / "old-report.html"
    subprocess.run([sys.executable, "-c", OLD_DOCUMENT, str(out), str(participants),
                    str(contributions)], cwd=tree, check=True)
    return out.read_text(encoding="utf-8"), tree / "facilitation" / "export" / "pdf.py"


def render_in_child(document: str, script: Path = PDF_SCRIPT) -> dict[str, float]:
    """One PDF from a fresh renderer process: wall time, CPU time, peak memory, pages."""
    with tempfile.TemporaryFile() as errors:
        started = time.perf_counter()
        child = subprocess.Popen(
            [sys.executable, "-P", "-c", MEASURED_RENDERER, str(script)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors)
        child.stdin.write(document.encode("utf-8"))
        child.stdin.close()
        pdf = child.stdout.read()
        child.stdout.close()
        _pid, status, usage = os.wait4(child.pid, 0)  # the child's own CPU time
        wall = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        said = errors.read().decode("utf-8", "replace")
    if child.returncode != 0:
        raise RuntimeError(said)
    peak_kib = int(re.search(r"VmHWM:\s+(\d+) kB", said).group(1))
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime, "peak_mib": peak_kib / 1024,
            "pages": len(PdfReader(io.BytesIO(pdf)).pages)}


def plain_document(report_html: str) -> str:
    """The same words as the report, as unstyled paragraphs (the baseline)."""
    body = report_html[report_html.index("<body"):]
    text = html.unescape(re.sub(r"<[^>]+>", "\n", body))
    paragraphs = [" ".join(line.split()) for line in text.split("\n") if line.strip()]
    return ("<!doctype html><html lang='en-GB'><head><meta charset='utf-8'><title>Baseline"
            "</title></head><body>" + "".join(f"<p>{html.escape(p)}</p>" for p in paragraphs)
            + "</body></html>")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--participants", type=int, default=60)
    parser.add_argument("--contributions", type=int, default=1000)
    parser.add_argument("--against", metavar="GIT-REF",
                        help="also time this commit's report, in the same runs")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as data_dir:
        app = prepared({"DATA_DIR": data_dir, "TESTING": True})
        runtime = runtime_of(app)
        workshop_id = seed_large(runtime, args.participants, args.contributions).workshop_id
        prepare, report_runs, baseline_runs, old_runs = [], [], [], []
        old_tree = tempfile.TemporaryDirectory()
        old = (old_report(args.against, Path(old_tree.name), args.participants,
                          args.contributions) if args.against else None)
        with app.app_context():
            for _run in range(args.runs):
                started = time.perf_counter()
                document = render_print_document(build_report(runtime, workshop_id, "full"))
                prepare.append(time.perf_counter() - started)
            baseline = plain_document(document)
            render_in_child(document)  # warm the disk cache for both, measured runs follow
            warm = WarmRenderer()
            warm.start()
            while warm.render(document) is None:  # until it listens; this one is not timed
                time.sleep(0.1)
            warm_runs = []
            for _run in range(args.runs):
                started = time.perf_counter()
                warm.render(document)
                warm_runs.append({"wall_s": time.perf_counter() - started})
                report_runs.append(render_in_child(document))
                baseline_runs.append(render_in_child(baseline))
                if old:
                    old_runs.append(render_in_child(*old))
            warm.stop()
        runtime.store.dispose()
        old_tree.cleanup()

    def median(runs: list[dict[str, float]], key: str) -> float:
        return statistics.median_low(run[key] for run in runs)

    result = {
        "workshop": {"participants": args.participants, "contributions": args.contributions,
                     "characters_of_text": len(re.sub(r"<[^>]+>", "", baseline))},
        "runs": args.runs,
        "model_and_html_s": round(statistics.median(prepare), 3),
        "report_warm": {"wall_s": round(median(warm_runs, "wall_s"), 2)},
        "report": {key: round(median(report_runs, key), 2)
                   for key in ("wall_s", "cpu_s", "pages")},
        "baseline_plain_text": {key: round(median(baseline_runs, key), 2)
                                for key in ("wall_s", "cpu_s", "pages")},
    }
    result["report"]["peak_mib"] = round(max(r["peak_mib"] for r in report_runs), 1)
    result["baseline_plain_text"]["peak_mib"] = round(
        max(r["peak_mib"] for r in baseline_runs), 1)
    result["facilitator_waits_s"] = round(
        result["model_and_html_s"] + result["report_warm"]["wall_s"], 2)
    result["ratio_report_to_baseline"] = {
        "wall": round(result["report"]["wall_s"] / result["baseline_plain_text"]["wall_s"], 2),
        "cpu": round(result["report"]["cpu_s"] / result["baseline_plain_text"]["cpu_s"], 2),
        "peak_memory": round(result["report"]["peak_mib"]
                             / result["baseline_plain_text"]["peak_mib"], 2)}
    if old_runs:
        result["against"] = {"ref": args.against, **{
            key: round(median(old_runs, key), 2) for key in ("wall_s", "cpu_s", "pages")}}
        result["ratio_report_to_against"] = {
            "wall_warm": round(result["report_warm"]["wall_s"] / result["against"]["wall_s"], 2),
            **{key: round(result["report"][f"{key}_s"] / result["against"][f"{key}_s"], 2)
               for key in ("wall", "cpu")}}
    result["load_average"] = [round(load, 2) for load in os.getloadavg()]
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
