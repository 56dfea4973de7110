"""The interface's messages as the extractor finds them today, for the translation tests.

The keywords come from scripts/translations.sh, so the tests read the code exactly as the
catalog update does.
"""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdrfi%]")


def keywords() -> dict:
    script = (ROOT / "scripts" / "translations.sh").read_text(encoding="utf-8")
    return {**DEFAULT_KEYWORDS, **parse_keywords(re.findall(r"-k (\S+)", script))}


def extract() -> Catalog:
    """Every marked message in the code and templates, as a fresh template catalog."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as config:
        method_map, options_map = parse_mapping_cfg(config)
    catalog = Catalog()
    for _file, _line, message, _comments, context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=keywords()):
        catalog.add(message, None, context=context)
    return catalog


def placeholders(text: str) -> list[str]:
    """The %-placeholders of a message, sorted (order may change in a translation)."""
    return sorted(PLACEHOLDER.findall(text))
