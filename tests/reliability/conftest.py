"""Fixtures for the reliability and security tests: an app whose limits can be set, and a
ready-made pair of workshops with the four kinds of people the rules are about."""

from __future__ import annotations

from pathlib import Path

import pytest

from facilitation import runtime_of, socketio_of
from facilitation.startup import prepared

from .world import World, build_world


@pytest.fixture()
def make_app(tmp_path: Path):
    """Build apps on fresh data directories, with settings (e.g. LIMIT_SHARING) overridden."""
    apps = []

    def make(**overrides: object):
        app = prepared({"DATA_DIR": str(tmp_path / f"data-{len(apps)}"), "TESTING": True,
                          "SOCKETIO_ASYNC_MODE": "threading", **overrides})
        apps.append(app)
        return app

    yield make
    for app in apps:
        runtime_of(app).store.dispose()


@pytest.fixture()
def world(make_app) -> World:
    """Workshops A and B, both in Define, with a stranger, a participant of each and A's
    facilitator."""
    app = make_app()
    return build_world(app, socketio_of(app))
