"""How long import's check of a backup takes, against reading the same JSON with nothing checked.

    python bench/backup_check.py [--runs 5] [--participants 60] [--contributions 1000]

It seeds a workshop (tests/workshop_data.py's big one: a story, a commitment and dots per
person, eight themes, 24 statements), exports its JSON backup, then times, interleaved and
``--runs`` times each: ``json.loads`` of the file (the baseline) and ``backup_schema.read``
(every table, row and field checked, the way ``python app.py import`` does before writing).
Reported: the file's size and rows, and the medians.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from facilitation import runtime_of  # noqa: E402
from facilitation.export import backup, backup_schema  # noqa: E402
from facilitation.export.restore import known_revisions  # noqa: E402
from facilitation.startup import prepared  # noqa: E402
from tests.workshop_data import seed_large  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--participants", type=int, default=60)
    parser.add_argument("--contributions", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        rt = runtime_of(prepared({"DATA_DIR": folder, "TESTING": True}))
        made = seed_large(rt, args.participants, args.contributions)
        with rt.store.engine.connect() as connection:
            content = backup.export_backup(connection, made.workshop_id)
        revisions = known_revisions()
        bare, checked = [], []
        for _run in range(args.runs):
            started = time.perf_counter()
            json.loads(content)
            bare.append(time.perf_counter() - started)
            started = time.perf_counter()
            backup_schema.read(content, rt.plans, revisions)
            checked.append(time.perf_counter() - started)
        rt.store.dispose()
    rows = sum(len(table) for table in json.loads(content)["tables"].values())
    bare_ms, checked_ms = statistics.median(bare) * 1000, statistics.median(checked) * 1000
    print(json.dumps({"bytes": len(content), "rows": rows, "json_loads_ms": round(bare_ms, 1),
                      "checked_read_ms": round(checked_ms, 1),
                      "ratio": round(checked_ms / bare_ms, 1)}))


if __name__ == "__main__":
    main()
