"""A workshop run from the lobby to its close through the services, as a room would: people
join and sit at tables, pair up (one by a pair code), tell stories, share cards, group them
into themes, dream, vote, write and improve statements, commit, form a team, check out; the
facilitator times, locks, reveals, hides and spotlights. Every table a backup keeps gets rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from facilitation.services import (
    Runtime,
    activities,
    contributions,
    deliver,
    design,
    dreams,
    moderation,
    pairs,
    pulse,
    seating,
    stories,
    themes,
    views,
    votes,
)
from facilitation.services import workshops as workshop_service
from facilitation.services.access import Actor
from facilitation.suggestions import signature_of

from .discover_room import Room

PLAN = "at-our-best-with-each-other"
#: Limits a room of six cannot meet while a script plays every part in a second.
ROOMY = {"LIMIT_EVENTS": "1000000 per second", "LIMIT_SHARING": "1000000 per second"}


@dataclass(frozen=True)
class WholeRun:
    workshop_id: int
    code: str
    key: str
    spotlight_text: str


def run_whole_workshop(rt: Runtime) -> WholeRun:
    """Lobby to closed, every kind of activity used; returns what the checks need."""
    workshop, key = workshop_service.create(rt, PLAN, "Ward 7: at our best – ŵ, ł, 王, 🌟")
    room = Room(rt, workshop.id, workshop.code,
                Actor(workshop.id, "facilitator"), [])
    f = room.facilitator
    for name in ("Ana", None, "Siân", "王小明", None, "Bo"):
        room.arrive(name)
    people = room.people
    seating.choose(rt, f, "tables")

    room.go_to("arrival-hopes")
    workshop_service.update_define(rt, f, {
        "title": "Ward 7: at our best", "topic_title": "A real welcome",
        "topic_question": "When did you feel most welcome here?\nWhat made it so?",
        "organisation": "Bwrdd Iechyd", "facilitator_name": "Zofia Łukasiewicz"})
    activities.change_timer(rt, f, "start")
    activities.change_timer(rt, f, "add", 120)
    activities.change_timer(rt, f, "pause")
    hopes = [contributions.contribute(rt, person, "arrival-hopes", text, f"hope-{n:04d}")[0]
             for n, (person, text) in enumerate(zip(people, [
                 "Hopeful – after nights 🌙", "Curious", "Diolch am y croeso",
                 "开心", "Tired but here", "Ready"], strict=True))]
    moderation.set_hidden(rt, f, "contribution", hopes[4].id, True)
    activities.set_flag(rt, f, "locked", True)

    room.go_to("best-of-us-interview")
    pairs.form_pairs(rt, f)
    pairs.swap_turn(rt, people[0])
    story = stories.save_story(rt, people[0], {
        "headline": "The porter stayed to help us", "notes": "Night shift,\nwinter",
        "enablers": "Trust", "values": "Kindness", "wishes": "More of it",
        "quote": "Nobody was left on their own", "sharing": "report"})
    with rt.store.reading() as db:
        pair = pairs.my_pair(db, workshop.id, "best-of-us-interview", people[0].participant_id)
    teller = next(p for p in people
                  if p.participant_id == pair.partner_to_interview.participant_id)
    views.my_view(rt, teller)  # the teller's phone shows the quote to answer
    stories.answer_quote(rt, teller, story.id, True)
    waiting = people[5]
    pairs.offer_pair_code(rt, waiting)  # nobody joins: the code stays in the backup

    room.go_to("share-what-you-heard")
    cards = [contributions.contribute(rt, people[n % 5], "share-what-you-heard", text,
                                      f"card-{n:04d}")[0]
             for n, text in enumerate(["Thank you at every handover", "Matron said thanks",
                                       "Buddies for new starters", "Bank staff welcomed"])]
    room.go_to("positive-core")
    thanks = themes.create_theme(rt, f, "Saying thank you",
                                 [f"contribution:{cards[0].id}", f"story:{story.id}"])
    refs = [f"contribution:{cards[2].id}", f"contribution:{cards[3].id}"]
    welcome = themes.accept_suggestion(rt, f, "A real welcome", refs, signature_of(
        [("contribution", cards[2].id), ("contribution", cards[3].id)]))
    themes.reject_suggestion(rt, f, signature_of([("contribution", cards[1].id)]))
    themes.rename_theme(rt, f, thanks, "Saying thank you, often")

    room.go_to("team-dream")
    votes.set_dots(rt, f, 4)
    dream_cards = [dreams.add_dream(rt, people[n], text, [str(theme)], f"dream-{n:04d}")[0]
                   for n, (text, theme) in enumerate([
                       ("Everyone is greeted by name", welcome),
                       ("Thanks are said out loud, every shift", thanks)])]
    for person in people[:4]:
        votes.place_dot(rt, person, f"contribution:{dream_cards[0].id}")
    votes.place_dot(rt, people[4], f"contribution:{dream_cards[1].id}")
    activities.set_flag(rt, f, "revealed", True)
    moderation.spotlight(rt, f, "contribution", dream_cards[0].id)

    room.go_to("possibility-statements")
    design.add_area(rt, f, "How we thank each other")
    statement = design.add_proposition(rt, people[1], {
        "text": "We welcome every new colleague by name", "area": "plan:0",
        "theme": str(welcome), "story": str(story.id), "client_id": "statement-0001"})
    design.improve_proposition(rt, people[2], statement.id,
                               "We welcome every new colleague by name, on day one",
                               statement.version)
    for person in people[:3]:
        votes.place_dot(rt, person, f"proposition:{statement.id}")

    room.go_to("our-commitments")
    today = date.today()
    deliver.add_commitment(rt, people[0], {
        "kind": "personal", "what": "Learn every bank colleague's name", "owner_name": "Ana",
        "helpers": "Bo", "due_date": (today + timedelta(30)).isoformat(),
        "first_step": "Ask for this week's rota",
        "first_step_due": (today + timedelta(2)).isoformat(),
        "support_needed": "A name board", "how_we_know": "They say hello back",
        "proposition": str(statement.id), "client_id": "commitment-0001"}, today)
    team = deliver.start_team(rt, people[1], {"name": "Welcome team", "purpose": "Day one",
                                              "proposition": str(statement.id),
                                              "show_name": "yes"})
    deliver.join_team(rt, people[2], team.id, True)
    deliver.set_next_review(rt, f, (today + timedelta(90)).isoformat(), today)

    room.go_to("check-out")
    for n, person in enumerate(people[:4]):
        pulse.answer(rt, person, {"answer_1": 5, "answer_2": 4, "answer_3": 1 + n,
                                  "answer_4": 3, "word": ["Hopeful", "Diolch", "", "希望"][n]})
    workshop_service.move(rt, f, "forward")  # closed
    return WholeRun(workshop.id, workshop.code, key, dream_cards[0].body)
