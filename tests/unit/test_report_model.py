"""The report model: what each audience may read, built from rows as the services write them."""

from __future__ import annotations

from dataclasses import astuple
from datetime import date

import pytest
from sqlalchemy import delete, select

from facilitation.export.model import build_report
from facilitation.export.summary_markdown import render_markdown
from facilitation.services.access import Actor
from facilitation.services.errors import Invalid
from facilitation.services.workshops import create
from facilitation.store.models import (
    ActivityState,
    Contribution,
    Participation,
    PulseResponse,
    Story,
)
from tests.workshop_data import seed_small


def _text(value: object) -> str:
    """Every string anywhere in a (nested) dataclass, joined, for 'never appears' checks."""
    if isinstance(value, str):
        return value
    if isinstance(value, tuple | list):
        return "\n".join(_text(item) for item in value)
    if hasattr(value, "__dataclass_fields__"):
        return _text(astuple(value))
    return ""


@pytest.fixture()
def seed(runtime):
    return seed_small(runtime)


def test_full_report_keeps_room_stories_and_public_leaves_them_out(runtime, seed) -> None:
    full = build_report(runtime, seed.workshop_id, "full")
    public = build_report(runtime, seed.workshop_id, "public")
    backs = full.discover.themes[0]
    assert backs.name == "We have each other's backs"
    assert backs.headlines == ("REPORT-STORY: the night the team covered for Ana",
                               "ROOM-STORY: a thank-you card from a family")
    assert backs.quotes == ("REPORT-QUOTE: nobody was left on their own",
                            "ROOM-QUOTE: I felt I belonged")
    assert public.discover.themes[0].headlines == (
        "REPORT-STORY: the night the team covered for Ana",)
    assert public.discover.themes[0].quotes == ("REPORT-QUOTE: nobody was left on their own",)
    assert full.appendix is not None and public.appendix is None


def test_hidden_pair_only_and_unconsented_never_appear(runtime, seed) -> None:
    for audience in ("full", "public"):
        everything = _text(build_report(runtime, seed.workshop_id, audience))
        for marker in seed.never:
            assert marker not in everything, (audience, marker)
        welcome = build_report(runtime, seed.workshop_id, audience).discover.themes[1]
        assert welcome.headlines == ("DECLINED-STORY: learning together after a fall",
                                     "PENDING-STORY: huddles that include everyone")
        assert welcome.quotes == ()  # declined and pending consent


def test_names_only_where_the_activity_asks_for_them(runtime, seed) -> None:
    report = build_report(runtime, seed.workshop_id, "full")
    cards = {card.text: card.author for section in report.appendix for card in section.cards}
    # stored with a name, but in an anonymous activity: never attributed
    assert cards["Hopeful – arriving after nights 🌙"] is None
    assert cards["I will bring the tea to every huddle"] == "Eluned Parry"
    assert all(dream.author is None for dream in report.dreams)


def test_dreams_and_propositions_are_ranked_by_votes(runtime, seed) -> None:
    report = build_report(runtime, seed.workshop_id, "full")
    assert [(d.text, d.votes, d.themes) for d in report.dreams] == [
        ("We greet every bank colleague by name 🌟", 3, ("Croeso: a real welcome",)),
        ("نحن نرحب بالجميع – we welcome everyone", 1, ()),
    ]
    (area,) = report.design_areas
    (proposition,) = area.propositions
    assert area.name == "How we welcome new, bank and agency colleagues"
    assert (proposition.votes, proposition.theme, proposition.story) == (
        3, "Croeso: a real welcome", "REPORT-STORY: the night the team covered for Ana")


def test_dots_drawn_from_fewer_than_3_voters_are_not_in_the_report(runtime, seed) -> None:
    """Shown to the room or not, totals from one or two voters would tell who chose what."""
    with runtime.store.transaction() as db:
        db.execute(delete(Participation).where(Participation.activity_key == "possibility-statements",
                                               Participation.participant_id == seed.participant_ids[3]))
    report = build_report(runtime, seed.workshop_id, "full")
    assert report.design_areas[0].propositions[0].votes is None


def test_dots_the_room_was_not_shown_are_not_in_the_report(runtime, seed) -> None:
    """Not even as a zero: before the reveal, a dream's dots are simply not mentioned."""
    with runtime.store.transaction() as db:
        db.get(ActivityState, (seed.workshop_id, "team-dream")).revealed = False
    report = build_report(runtime, seed.workshop_id, "full")
    assert [d.votes for d in report.dreams] == [None, None]
    summary = render_markdown(report)
    assert "vote" not in summary.split("## Design")[0].split("## Dream")[1]
    assert report.design_areas[0].propositions[0].votes == 3  # that vote was shown


def test_deliver_commitments_teams_and_review(runtime, seed) -> None:
    report = build_report(runtime, seed.workshop_id, "public")
    assert [row.what for row in report.commitments] == [
        "Learn every bank colleague's name", '=HYPERLINK("http://x") buddy rota for starters']
    first = report.commitments[0]
    assert (first.owner, first.due_date, first.first_step_due, first.proposition) == (
        "مريم حداد", date(2026, 2, 27), date(2026, 2, 3),
        "We welcome every new colleague with a buddy on their first shift")
    (team,) = report.action_teams
    assert (team.member_names, team.unnamed_members) == (("王小明",), 1)
    assert report.next_review_date == date(2026, 3, 12)


def test_pulse_is_reported_as_averages_spreads_and_words(runtime, seed) -> None:
    (pulse,) = build_report(runtime, seed.workshop_id, "full").pulses
    assert pulse.responses == 3
    first = pulse.questions[0]
    assert (first.text, first.average, first.distribution) == (
        "People listened to me today.", 4.7, (0, 0, 0, 1, 2))
    assert pulse.words == (("Hopeful", 2), ("Diolch", 1))


def test_a_check_out_is_reported_only_as_the_room_saw_it(runtime, seed) -> None:
    """Hidden from the room, it stays out of the report; with fewer than 3 answers, nobody
    sees more than that fewer than 3 answered (one word from one person is that person's)."""
    with runtime.store.transaction() as db:
        db.get(ActivityState, (seed.workshop_id, "check-out")).revealed = False
    (hidden,) = build_report(runtime, seed.workshop_id, "full").pulses
    assert (hidden.responses, hidden.questions, hidden.words) == (3, (), ())
    assert "Hopeful" not in render_markdown(build_report(runtime, seed.workshop_id, "full"))

    with runtime.store.transaction() as db:
        db.get(ActivityState, (seed.workshop_id, "check-out")).revealed = True
        db.delete(db.scalars(select(PulseResponse).where(
            PulseResponse.workshop_id == seed.workshop_id).limit(1)).one())
    for audience in ("full", "public"):
        report = build_report(runtime, seed.workshop_id, audience)
        (few,) = report.pulses
        assert few.few and (few.questions, few.words) == ((), ())
        summary = render_markdown(report)
        assert "Fewer than 3 people answered" in summary
        assert "Diolch" not in summary and "hopeful" not in summary.lower()


def test_participation_counts_people_per_phase(runtime, seed) -> None:
    participation = build_report(runtime, seed.workshop_id, "full").participation
    assert participation.joined == 5
    counts = {row.label: row.people for row in participation.by_phase}
    assert counts == {"Define": 2, "Discover": 2, "Dream": 4, "Design": 4, "Deliver": 5}


def test_an_unknown_activity_is_never_attributed(runtime, seed) -> None:
    with runtime.store.transaction() as db:
        db.add(Contribution(workshop_id=seed.workshop_id, participant_id=seed.participant_ids[0],
                            phase="define", activity_key="removed-from-plan",
                            body="From an old plan", author_name="Dafydd ap Gwilym",
                            client_id="old-plan-card"))
    report = build_report(runtime, seed.workshop_id, "full")
    assert report.appendix[-1].cards[0].text == "From an old plan"
    assert report.appendix[-1].cards[0].author is None


def test_a_hidden_story_takes_its_quote_with_it(runtime, seed) -> None:
    with runtime.store.transaction() as db:
        for story in db.query(Story).filter(Story.headline.startswith("REPORT-STORY")):
            story.hidden = True
    report = build_report(runtime, seed.workshop_id, "full")
    assert "REPORT-QUOTE" not in _text(report)
    assert report.design_areas[0].propositions[0].story is None


def test_a_new_workshop_gives_an_empty_draft(runtime) -> None:
    workshop, _key = create(runtime, "team-90-minutes")
    report = build_report(runtime, workshop.id, "full")
    assert report.cover.in_progress and report.cover.phase_label == "Welcome"
    assert (report.dreams, report.commitments, report.pulses, report.appendix) == ((), (), (), ())
    assert report.agreements and report.activities


def test_only_two_audiences(runtime, seed) -> None:
    with pytest.raises(Invalid):
        build_report(runtime, seed.workshop_id, "everyone")


def test_anonymous_cards_count_their_writers_once_per_phase(runtime) -> None:
    """Define's cards are anonymous (no participant on the row), yet each writer took part:
    'Who took part' counts them from the per-person tallies, once however many they wrote."""
    from facilitation.services import contributions
    from tests.integration.discover_room import Room

    workshop, _key = create(runtime, "at-our-best-with-each-other")
    room = Room(runtime, workshop.id, workshop.code, Actor(workshop.id, "facilitator"), [])
    writers = [room.arrive() for _ in range(4)]
    room.arrive()  # joined, wrote nothing
    room.go_to("arrival-hopes")
    for number, writer in enumerate([*writers, writers[0], writers[1]]):
        card, _new = contributions.contribute(runtime, writer, "arrival-hopes",
                                              f"Hope {number}", f"hope-card-{number:04d}")
        assert card.participant_id is None  # sealed: the row does not say whose it is
    participation = build_report(runtime, workshop.id, "full").participation
    counts = {row.label: row.people for row in participation.by_phase}
    assert (participation.joined, counts["Define"], counts["Discover"]) == (5, 4, 0)
