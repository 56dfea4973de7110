"""Design: areas from the plan (editable), propositions grounded in a theme or story, and
improvements that never silently overwrite each other."""

from __future__ import annotations

import pytest

from facilitation.services import Runtime, activities, design, moderation, views, votes
from facilitation.services.authorship import new_author_key
from facilitation.services.design import DesignBoard
from facilitation.services.errors import Conflict, Forbidden, Invalid, NotFound
from facilitation.store.models import Proposition, PropositionRevision

from .method_room import MethodRoom, after_discover, every_view, participant_client
from .room import csrf_from


@pytest.fixture()
def designing(runtime: Runtime) -> MethodRoom:
    room = after_discover(runtime, 4)
    room.go_to("possibility-statements")
    return room


def propose(room: MethodRoom, who: int, text: str, area: str = "plan:0",
            **links: str) -> Proposition:
    form = {"text": text, "area": area, "client_id": f"prop-{abs(hash(text)) % 10**9:09d}",
            **links}
    return design.add_proposition(room.rt, room.people[who], form)


def board(runtime: Runtime, room: MethodRoom) -> DesignBoard | None:
    return views.room_state(runtime, room.room.workshop_id).design


def test_areas_start_from_the_plan_and_the_facilitator_can_change_them(runtime,
                                                                       designing) -> None:
    plan_areas = runtime.plans["at-our-best-with-each-other"].activity(
        "possibility-statements").design_areas
    assert [a.name for a in board(runtime, designing).areas] == list(plan_areas)
    f = designing.facilitator
    design.rename_area(runtime, f, "plan:1", "Huddles that help")
    design.add_area(runtime, f, "Rotas and breaks")
    names = [a.name for a in board(runtime, designing).areas]
    assert names[1] == "Huddles that help" and names[-1] == "Rotas and breaks"
    assert all(a.ref.startswith("area:") for a in board(runtime, designing).areas)
    with pytest.raises(Invalid, match="already an area"):
        design.add_area(runtime, f, "rotas and breaks")
    with pytest.raises(Forbidden):
        design.add_area(runtime, designing.people[0], "Mine")
    # removing an area keeps its statements, under "other statements"
    first = board(runtime, designing).areas[0].ref
    kept = propose(designing, 0, "We welcome bank colleagues by name", area=first)
    design.remove_area(runtime, f, first)
    now = board(runtime, designing)
    assert first not in [a.ref for a in now.areas]
    assert [p.id for p in now.unplaced] == [kept.id]
    for area in now.areas[1:]:
        design.remove_area(runtime, f, area.ref)
    with pytest.raises(Invalid, match="Keep at least one area"):
        design.remove_area(runtime, f, board(runtime, designing).areas[0].ref)


def test_a_proposition_is_grounded_in_a_theme_or_a_story(runtime, designing) -> None:
    p = propose(designing, 1, "We thank each other by name at every handover", area="plan:2",
                theme=str(designing.theme_ids[0]), story=str(designing.story_id))
    view = board(runtime, designing).areas[2].propositions[0]
    assert (view.id, view.theme, view.story) == (p.id, "Saying thank you",
                                                 "Porter stayed to help us")
    assert view.author is None  # anonymous in the shipped plan
    with pytest.raises(Invalid, match="Choose the area"):
        propose(designing, 1, "We rest", area="")
    with pytest.raises(NotFound, match="theme is no longer there"):
        propose(designing, 1, "We rest well", theme="9999")
    again = propose(designing, 1, "We thank each other by name at every handover",
                    area="plan:2")
    assert again.id == p.id  # the same form sent twice is stored once


def test_wording_advice_never_blocks(runtime, designing) -> None:
    p = propose(designing, 0, "Managers should leverage synergies going forward")
    assert board(runtime, designing).areas[0].propositions[0].text == p.text


def test_improvements_check_the_version_and_keep_every_wording(runtime, designing) -> None:
    p = propose(designing, 0, "We say hello to new starters")
    ana, bo = designing.people[1], designing.people[2]
    # both open the editor on version 1
    saved = design.improve_proposition(runtime, ana, p.id, "We greet every new starter by name",
                                       1)
    assert saved.version == 2
    with pytest.raises(design.EditConflict) as conflict:
        design.improve_proposition(runtime, bo, p.id, "We welcome new starters warmly", 1)
    assert conflict.value.theirs == "We greet every new starter by name"
    assert conflict.value.yours == "We welcome new starters warmly"
    assert conflict.value.version == 2 and conflict.value.status == 409
    assert "your text is still in the box" in conflict.value.message
    assert board(runtime, designing).areas[0].propositions[0].text == (
        "We greet every new starter by name")  # nothing overwritten
    # Bo combines the two, starting from the version shown to him
    design.improve_proposition(runtime, bo, p.id, "We greet every new starter warmly, by name",
                               conflict.value.version)
    with runtime.store.reading() as db:
        history = [r.text for r in db.query(PropositionRevision).filter_by(proposition_id=p.id)
                   .order_by(PropositionRevision.version)]
    assert history == ["We say hello to new starters", "We greet every new starter by name",
                       "We greet every new starter warmly, by name"]
    fv = views.facilitator_view(runtime, designing.room.workshop_id)
    assert fv.revisions[p.id] == history
    assert board(runtime, designing).areas[0].propositions[0].improved == 2


def test_conflict_over_http_answers_409_with_both_texts(app, runtime, designing) -> None:
    p = propose(designing, 0, "We say hello to new starters")
    design.improve_proposition(runtime, designing.people[1], p.id, "We greet new starters", 1)
    client = participant_client(app, designing.room.code, designing.people[2])
    page = client.get(f"/w/{designing.room.code}/").get_data(as_text=True)
    response = client.post(f"/w/{designing.room.code}/design/propositions/{p.id}",
                           data={"text": "We welcome newcomers", "version": "1",
                                 "csrf_token": csrf_from(page)},
                           headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 409
    assert response.headers["HX-Retarget"] == "#proposition-editor"
    assert "We greet new starters" in html and "We welcome newcomers" in html
    assert 'name="version" value="2"' in html
    # without scripts: the whole page, with the editor holding both texts
    plain = client.post(f"/w/{designing.room.code}/design/propositions/{p.id}",
                        data={"text": "We welcome newcomers", "version": "1",
                              "csrf_token": csrf_from(page)})
    html = plain.get_data(as_text=True)
    assert plain.status_code == 409 and "<html" in html
    assert "We greet new starters" in html and "We welcome newcomers" in html
    assert board(runtime, designing).areas[0].propositions[0].text == "We greet new starters"


def test_locked_design_refuses_changes_but_keeps_votes(runtime, designing) -> None:
    p = propose(designing, 0, "We say hello to new starters")
    activities.set_flag(runtime, designing.facilitator, "locked", True)
    with pytest.raises(Conflict, match="closed this activity"):
        design.improve_proposition(runtime, designing.people[1], p.id, "We greet", 1)
    with pytest.raises(Conflict):
        propose(designing, 1, "We rest")
    assert votes.place_dot(runtime, designing.people[1], f"proposition:{p.id}").used == 1


def test_hidden_propositions_leave_every_view(app, runtime, designing) -> None:
    p = propose(designing, 0, "We make the sluice room a calmer place")
    moderation.set_hidden(runtime, designing.facilitator, "proposition", p.id, True)
    assert not any("sluice room" in html for html in every_view(app, runtime, designing.room)
                   if "Hidden from the room" not in html)
    fv = views.facilitator_view(runtime, designing.room.workshop_id)
    assert fv.hidden_items == [(f"proposition:{p.id}", p.text)]
    with pytest.raises(NotFound):
        design.improve_proposition(runtime, designing.people[1], p.id, "We", 1)


def test_yours_is_marked_only_on_the_writers_own_panel(app, runtime, designing) -> None:
    propose(designing, 2, "We share rotas six weeks ahead")
    code = designing.room.code
    for index, actor in enumerate(designing.people):
        panel = participant_client(app, code, actor).get(f"/w/{code}/me").get_data(as_text=True)
        assert ("Yours" in panel) == (index == 2)
    assert not any(">Yours<" in html for html in every_view(app, runtime, designing.room)
                   if 'id="my-votes"' not in html)


def test_second_round_refines_the_first_rounds_statements(runtime) -> None:
    from facilitation.services import workshops as workshop_service
    from facilitation.services.access import Actor

    workshop, _key = workshop_service.create(runtime, "one-day")
    f = Actor(workshop.id, "facilitator")
    person = Actor(workshop.id, "participant", workshop_service.join(runtime, workshop.id),
                   new_author_key())
    for _ in range(4):
        workshop_service.move(runtime, f, "forward")
    p = design.add_proposition(runtime, person, {"text": "We huddle at ten", "area": "plan:1",
                                                 "client_id": "round-one-0001"})
    workshop_service.choose_activity(runtime, f, "design-round-two")
    state = views.room_state(runtime, workshop.id)
    assert [x.id for x in state.design.areas[1].propositions] == [p.id]
    design.improve_proposition(runtime, person, p.id, "We huddle at ten, every day", 1)
    assert votes.place_dot(runtime, person, f"proposition:{p.id}").used == 1
