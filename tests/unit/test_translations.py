"""Every interface message is translated into Welsh, completely and with the same placeholders."""

from __future__ import annotations

from gettext import c2py

import babel
from babel.messages.catalog import Catalog
from babel.messages.mofile import read_mo
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from tests.translation_catalog import ROOT, extract, placeholders

WELSH = ROOT / "translations" / "cy" / "LC_MESSAGES"


def welsh_catalog() -> Catalog:
    with (WELSH / "messages.po").open("rb") as po:
        return read_po(po, locale="cy")


def test_welsh_has_its_own_plural_forms() -> None:
    """Welsh counts 1, 2, 3 and 6 each with their own form; the rest share one (Babel's rule)."""
    catalog = welsh_catalog()
    babel_rule = get_plural("cy")
    # `pybabel update` rewrites the header to Babel's rule, so the two must agree. Babel is
    # pinned because 2.19 moved Welsh to six forms (a zero form): upgrading it means giving
    # every plural message its zero form first.
    assert (catalog.num_plurals, catalog.plural_expr) == babel_rule, (
        f"Babel {babel.__version__} counts Welsh in {babel_rule.num_plurals} forms, "
        f"the catalog in {catalog.num_plurals}")
    form = c2py(catalog.plural_expr)
    assert [form(n) for n in (0, 1, 2, 3, 4, 5, 6, 7, 11, 100)] == [0, 1, 2, 3, 0, 0, 4, 0, 0, 0]


def test_every_message_in_the_code_has_a_complete_welsh_translation() -> None:
    catalog = welsh_catalog()
    missing, fuzzy, empty, mismatched = [], [], [], []
    for message in extract():
        if not message.id:
            continue
        welsh = catalog.get(message.id, context=message.context)
        if welsh is None:
            missing.append(message.id)
            continue
        if welsh.fuzzy:
            fuzzy.append(message.id)
        forms = welsh.string if isinstance(welsh.string, tuple) else (welsh.string,)
        if isinstance(message.id, tuple) and len(forms) != catalog.num_plurals:
            empty.append(message.id)
        if not all(forms):
            empty.append(message.id)
        # Every form names the same things as the English (a plural's its count too).
        wanted = placeholders(message.id[-1] if isinstance(message.id, tuple) else message.id)
        for form in forms:
            if placeholders(form) != wanted:
                mismatched.append((message.id, form))
    assert not missing, (f"{len(missing)} messages have no Welsh entry (run "
                         f"scripts/translations.sh update): {missing[:5]}")
    assert not fuzzy, f"fuzzy Welsh entries: {fuzzy[:5]}"
    assert not empty, f"Welsh entries without every form: {empty[:5]}"
    assert not mismatched, f"placeholders differ: {mismatched[:5]}"


def _plain(value: object) -> object:
    return tuple(value) if isinstance(value, list | tuple) else value


def test_the_compiled_catalog_matches_the_po_file() -> None:
    with (WELSH / "messages.mo").open("rb") as mo:
        compiled = {_plain(m.id): _plain(m.string) for m in read_mo(mo) if m.id}
    written = {_plain(m.id): _plain(m.string) for m in welsh_catalog() if m.id and not m.fuzzy}
    assert compiled == written, "run scripts/translations.sh compile and commit the .mo"
