"""Pairing for the appreciative interview: random pairs, trios, late joiners, codes, re-pairing."""

from __future__ import annotations

import pytest

from facilitation.services import pairs
from facilitation.services.errors import Conflict, Forbidden, Invalid, NotFound

from .discover_room import Room, discover_room


def groups(room: Room) -> list[pairs.Group]:
    with room.rt.store.reading() as db:
        round_ = pairs.current_round(db, room.workshop_id, "best-of-us-interview")
        return pairs.groups_of_round(db, room.workshop_id, "best-of-us-interview", round_)


def members(room: Room) -> list[list[str]]:
    return [[m.participant_id for m in g.members] for g in groups(room)]


@pytest.mark.parametrize(("people", "sizes"), [(2, [2]), (4, [2, 2]), (5, [2, 3]), (7, [2, 2, 3])])
def test_everyone_present_is_paired_once_with_a_trio_when_odd(runtime, people, sizes) -> None:
    room = discover_room(runtime, people)
    assert pairs.form_pairs(runtime, room.facilitator) == len(sizes)
    found = members(room)
    assert sorted(len(g) for g in found) == sizes
    placed = [pid for g in found for pid in g]
    assert sorted(placed) == sorted(a.participant_id for a in room.people)


def test_only_people_connected_now_are_paired(runtime) -> None:
    room = discover_room(runtime, 4)
    from facilitation.services import presence

    presence.connected(runtime, room.people[0].participant_id, -1)
    pairs.form_pairs(runtime, room.facilitator)
    placed = {pid for g in members(room) for pid in g}
    assert room.people[0].participant_id not in placed and len(placed) == 3


def test_late_joiners_make_a_trio_then_wait_then_pair(runtime) -> None:
    room = discover_room(runtime, 3)
    pairs.form_pairs(runtime, room.facilitator)
    assert sorted(len(g) for g in members(room)) == [3]
    fourth = room.arrive()
    pairs.place_late_joiner(runtime, room.workshop_id, fourth.participant_id)
    assert sorted(len(g) for g in members(room)) == [1, 3]  # waits: no group of four
    fifth = room.arrive()
    pairs.place_late_joiner(runtime, room.workshop_id, fifth.participant_id)
    assert sorted(len(g) for g in members(room)) == [2, 3]
    sixth = room.arrive()
    pairs.place_late_joiner(runtime, room.workshop_id, sixth.participant_id)
    assert sorted(len(g) for g in members(room)) == [3, 3]
    pairs.place_late_joiner(runtime, room.workshop_id, sixth.participant_id)  # reconnect
    assert sum(len(g) for g in members(room)) == 6


def test_re_pairing_starts_a_new_round_with_new_partners(runtime) -> None:
    room = discover_room(runtime, 4)
    pairs.form_pairs(runtime, room.facilitator)
    first = {frozenset(g) for g in members(room)}
    pairs.form_pairs(runtime, room.facilitator)
    second = {frozenset(g) for g in members(room)}
    assert first.isdisjoint(second)  # four people can always meet someone new


def test_pairing_by_code(runtime) -> None:
    room = discover_room(runtime, 4)
    pairs.form_pairs(runtime, room.facilitator)
    ana, bo = room.people[0], room.people[1]
    code = pairs.offer_pair_code(runtime, ana)
    assert len(code) == 4 and code.isdigit()
    assert pairs.offer_pair_code(runtime, ana) == code  # asking again keeps the same code
    with pytest.raises(Invalid, match="your own pair code"):
        pairs.pair_by_code(runtime, ana, code)
    with pytest.raises(NotFound):
        pairs.pair_by_code(runtime, bo, "0000" if code != "0000" else "0001")
    with pytest.raises(Invalid, match="four digits"):
        pairs.pair_by_code(runtime, bo, "12")
    pairs.pair_by_code(runtime, bo, code)
    together = [g for g in members(room) if ana.participant_id in g][0]
    assert set(together) == {ana.participant_id, bo.participant_id}
    assert sum(len(g) for g in members(room)) == 4  # nobody lost or doubled
    with pytest.raises(NotFound):  # the code is used up once the pair is complete
        pairs.pair_by_code(runtime, room.people[2], code)


def test_turns_go_round_the_group(runtime) -> None:
    room = discover_room(runtime, 3)
    pairs.form_pairs(runtime, room.facilitator)
    group = groups(room)[0]
    first_asker = group.asking_now
    assert group.telling_now == group.interviewee_of(first_asker.position)
    pairs.swap_turn(runtime, room.people[0])
    after = groups(room)[0]
    assert after.asking_now.position == (first_asker.position + 1) % 3


def test_only_the_facilitator_forms_pairs_and_only_in_an_interview(runtime) -> None:
    room = discover_room(runtime, 2)
    with pytest.raises(Forbidden):
        pairs.form_pairs(runtime, room.people[0])
    room.go_to("share-what-you-heard")
    with pytest.raises(Conflict, match="interview activity"):
        pairs.form_pairs(runtime, room.facilitator)


def test_pairs_need_two_people(runtime) -> None:
    room = discover_room(runtime, 1)
    with pytest.raises(Conflict, match="At least two people"):
        pairs.form_pairs(runtime, room.facilitator)


def _tables(room: Room) -> dict[str, str]:
    from facilitation.store import Participant

    with room.rt.store.reading() as db:
        return {p.id: p.table_label for p in db.query(Participant).filter_by(
            workshop_id=room.workshop_id)}


def test_a_seated_room_is_paired_within_each_table(runtime) -> None:
    from facilitation.services import seating

    room = discover_room(runtime, 2 * seating.TABLE_SIZE + 3)  # two full tables and three
    seating.choose(runtime, room.facilitator, "tables")
    pairs.form_pairs(runtime, room.facilitator)
    table = _tables(room)
    found = groups(room)
    assert sorted(pid for g in found for pid in (m.participant_id for m in g.members)) == sorted(
        a.participant_id for a in room.people)
    for group in found:
        seats = {table[m.participant_id] for m in group.members}
        assert len(seats) == 1, f"group {group.number} spans tables {seats}"
        assert group.table_label == f"Table {seats.pop()}"


def test_a_late_joiner_in_a_seated_room_is_paired_at_their_own_table(runtime) -> None:
    from facilitation.services import seating

    room = discover_room(runtime, seating.TABLE_SIZE + 2)  # table 2 holds one pair
    seating.choose(runtime, room.facilitator, "tables")
    pairs.form_pairs(runtime, room.facilitator)
    late = room.arrive()  # table 2's third person: a trio there, not at table 1
    pairs.place_late_joiner(runtime, room.workshop_id, late.participant_id)
    table = _tables(room)
    mine = next(g for g in groups(room)
                if late.participant_id in {m.participant_id for m in g.members})
    assert {table[m.participant_id] for m in mine.members} == {"2"}
