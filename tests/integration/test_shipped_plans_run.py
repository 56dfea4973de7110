"""Every shipped plan runs: each of its activities opens and renders for participants, the
facilitator and the projector, with its own form where the kind has one."""

from __future__ import annotations

import pytest

from facilitation.config import PROJECT_ROOT
from facilitation.plans import load_plans
from facilitation.services import workshops as workshop_service
from facilitation.services.access import Actor
from facilitation.services.authorship import new_author_key

from .method_room import facilitator_client, participant_client

PLANS = sorted(load_plans(PROJECT_ROOT / "workshops"))
OWN_FORM = {"dreams": 'id="dream-form"', "propositions": 'id="proposition-form"',
            "commitments": 'id="commitment-form"', "pulse": 'id="pulse-form"',
            "interview": "Your interview pair"}


@pytest.mark.parametrize("plan_name", PLANS)
def test_every_activity_of_the_plan_renders_for_everyone(app, runtime, plan_name) -> None:
    workshop, _key = workshop_service.create(runtime, plan_name)
    f = Actor(workshop.id, "facilitator")
    people = [Actor(workshop.id, "participant", workshop_service.join(runtime, workshop.id, n),
                    new_author_key())
              for n in ("Ana", None)]

    class Room:  # what facilitator_client needs
        workshop_id, code = workshop.id, workshop.code

    facilitator = facilitator_client(app, runtime, Room)
    phones = [participant_client(app, workshop.code, p) for p in people]
    plan = runtime.plans[plan_name]
    for phase in ("define", "discover", "dream", "design", "deliver"):
        workshop_service.move(runtime, f, "forward")
        for activity in plan.phases[phase].activities:
            workshop_service.choose_activity(runtime, f, activity.key)
            for client, paths in ((facilitator, ("/facilitate", "/projector")),
                                  *((phone, ("/", "/me")) for phone in phones)):
                for path in paths:
                    response = client.get(f"/w/{workshop.code}{path}")
                    html = response.get_data(as_text=True)
                    assert response.status_code == 200, (activity.key, path, html[-2000:])
                    assert activity.title.replace("'", "&#39;").replace('"', "&#34;") in html \
                        or path == "/me"
            own = phones[0].get(f"/w/{workshop.code}/me").get_data(as_text=True)
            if activity.kind in OWN_FORM:
                assert OWN_FORM[activity.kind] in own, activity.key
