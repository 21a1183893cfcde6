"""The landscape's data sources: each capability's `landscape_activity` and the accounts
directory, through the real services and the real database.

For each app: what people did appears with its kind, day, person or organisation and arena;
private things never appear, anonymous things appear without a person, what lies outside the
period or in another municipality does not appear, and each read costs the same number of
queries whatever the amount of data.
"""

from __future__ import annotations

from datetime import UTC, timedelta
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from samskab.accounts import directory
from samskab.accounts.models import Affiliation, Organisation, OrganisationKind, Role
from samskab.challenges import services as challenges
from samskab.challenges.models import Comment, Comparison, Idea, Support, Visibility
from samskab.challenges.phases import Phase
from samskab.complexity import services as complexity
from samskab.complexity.models import Rating
from samskab.core.activity import KINDS, Activity, ActivityReport
from samskab.core.periods import bounds
from samskab.demo.content import load_demo
from samskab.experiments import services as experiments
from samskab.experiments.models import Experiment, Review
from samskab.initiatives import services as initiatives
from samskab.initiatives.models import Commitment, Partner
from samskab.landscape.sources import SOURCES, collect
from samskab.opinions import services as opinions
from samskab.opinions.models import ModerationMode, Statement, VoteEvent
from samskab.reflection import services as reflection
from samskab.reflection.models import AnonymousEntry, Entry, RoomMember
from samskab.workshops import services as workshops
from samskab.workshops.models import ActivityKind, WorkshopParticipant
from tests.conftest import Town, give_role, make_person

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _immediate_tasks(settings):
    settings.TASKS_BACKEND = "immediate"


def person(town: Town, email: str, role: str | None = Role.CITIZEN):
    found = make_person(email, email.split("@")[0].title())
    if role:
        with scopes_disabled():
            give_role(found, town.municipality, role)
    return found


def read(source: Any, town: Town, start=None, end=None) -> ActivityReport:
    start = start or TODAY()
    with scope(municipality=town.municipality):
        return source.landscape_activity(town.municipality, start, end or start)


def acts(report: ActivityReport, kind: str) -> list[Activity]:
    return [a for a in report.activities if a.kind == kind]


def arena(report: ActivityReport, key: str):
    found = [a for a in report.arenas if a.key == key]
    assert len(found) == 1, key
    return found[0]


def move_back(model: Any, field: str, days: int, **filters: Any) -> None:
    # Local days, not 24-hour steps: across the end of summer time "40 days ago" in UTC can be
    # a day later on the Danish calendar, close to midnight.
    then = timezone.localtime() - timedelta(days=days)
    with scopes_disabled():
        model.objects.filter(**filters).update(**{field: then})


# --- the directory ---------------------------------------------------------------------------


def test_directory_reads_one_municipality_in_one_query_each(towns, django_assert_num_queries):
    a, b = towns
    with scope(municipality=a.municipality):
        top = Organisation.objects.create(
            municipality=a.municipality, name="Ældre og Sundhed", kind="department", level=1
        )
        unit = Organisation.objects.create(
            municipality=a.municipality,
            name="Hjemmeplejen",
            kind="department",
            level=2,
            parent=top,
        )
        club = Organisation.objects.create(
            municipality=a.municipality, name="Fælles Fodslag", kind="association"
        )
        Affiliation.objects.create(
            municipality=a.municipality, person=a.member, organisation=unit, staff_level=4
        )
        Affiliation.objects.create(municipality=a.municipality, person=a.owner, organisation=club)
    with scope(municipality=b.municipality):
        Organisation.objects.create(municipality=b.municipality, name="Aarhus", kind="business")
    with scope(municipality=a.municipality):
        with django_assert_num_queries(1):
            orgs = directory.organisations(a.municipality)
        with django_assert_num_queries(1):
            affs = directory.affiliations(a.municipality)
        with django_assert_num_queries(1):
            roles = directory.roles_by_person(a.municipality)
    assert {o.name for o in orgs} == {"Ældre og Sundhed", "Hjemmeplejen", "Fælles Fodslag"}
    by_name = {o.name: o for o in orgs}
    assert by_name["Hjemmeplejen"] == directory.Org(
        unit.pk, "Hjemmeplejen", "department", 2, top.pk
    )
    assert by_name["Fælles Fodslag"].level is None and by_name["Fælles Fodslag"].kind == (
        "association"
    )
    assert set(affs) == {
        directory.Aff(a.member.pk, unit.pk, 4),
        directory.Aff(a.owner.pk, club.pk, None),
    }
    assert roles[a.owner.pk] == frozenset({Role.ADMINISTRATOR})
    assert roles[a.member.pk] == frozenset({Role.EMPLOYEE})
    # Town B's outsider is a citizen of town A; town A's outsider is a citizen of B only.
    assert roles[b.outsider.pk] == frozenset({Role.CITIZEN})
    assert a.outsider.pk not in roles


# --- challenges ------------------------------------------------------------------------------


@pytest.fixture
def ideas_world(town_a: Town, town_b: Town):
    citizen = person(town_a, "karen@borger.test", Role.ASSOCIATION)
    fan = person(town_a, "fan@borger.test")
    replier = person(town_a, "svar@borger.test")
    with scope(municipality=town_a.municipality):
        club = Organisation.objects.create(
            municipality=town_a.municipality, name="Fælles Fodslag", kind="association"
        )
        Affiliation.objects.create(
            municipality=town_a.municipality, person=citizen, organisation=club
        )
        challenge = challenges.pose_challenge(
            town_a.public_space,
            town_a.owner,
            title="Ensomhed blandt ældre",
            categories=["Fællesskab", "Sundhed"],
        )
        staff_challenge = challenges.pose_challenge(
            town_a.staff_space, town_a.owner, title="Intern udfordring"
        )
        idea = challenges.submit_idea(
            challenge, citizen, title="Fællesspisning", body="Hver torsdag.", on_behalf_of=club
        )
        other = challenges.submit_idea(challenge, fan, title="Gåture", body="Om søndagen.")
        hidden = challenges.submit_idea(challenge, replier, title="Skjult", body="Fjernes.")
        top = challenges.add_comment(idea, fan, body="God idé!")
        challenges.add_comment(idea, replier, body="Enig.", parent=top)
        deleted = challenges.add_comment(other, replier, body="Fortryder.")
        challenges.delete_comment(deleted, replier)
        challenges.support(idea, fan)
        challenges.support(hidden, fan)
        moderator = person(town_a, "mod@kbh.test", Role.MODERATOR)
        challenges.moderate(
            hidden, moderator, visibility=Visibility.HIDDEN, reason="Uden for emnet"
        )
        challenges.set_phase(challenge, town_a.owner, Phase.PRIORITISATION)
        challenge.refresh_from_db()
        challenges.compare(challenge, fan, left=idea, right=other, choice="left")
    with scope(municipality=town_b.municipality):
        foreign = challenges.pose_challenge(town_b.public_space, town_b.owner, title="Aarhus")
        challenges.submit_idea(foreign, town_b.owner, title="Aarhus-idé", body="…")
    return SimpleNamespace(
        town=town_a,
        other=town_b,
        citizen=citizen,
        fan=fan,
        replier=replier,
        club=club,
        challenge=challenge,
        staff_challenge=staff_challenge,
        idea=idea,
        other_idea=other,
        hidden=hidden,
        foreign=foreign,
    )


def test_challenges_list_posing_ideas_comments_support_and_comparisons(ideas_world):
    w = ideas_world
    report = read(challenges, w.town)
    key = f"challenge:{w.challenge.pk}"
    public = arena(report, key)
    assert public.kind == "challenge" and public.public and public.label == "Ensomhed blandt ældre"
    assert public.url == w.challenge.get_absolute_url()
    assert set(public.categories) == {"category:fællesskab", "category:sundhed"}
    assert not arena(report, f"challenge:{w.staff_challenge.pk}").public
    assert f"challenge:{w.foreign.pk}" not in {a.key for a in report.arenas}
    today = TODAY()
    assert all(a.on == today for a in report.activities)
    assert {(a.arena, a.person_id) for a in acts(report, "challenge")} == {
        (key, w.town.owner.pk),
        (f"challenge:{w.staff_challenge.pk}", w.town.owner.pk),
    }
    ideas = acts(report, "idea")
    # The hidden idea is not listed, nor is the support it got.
    assert sorted((a.person_id, a.organisation_id) for a in ideas) == sorted(
        [(w.citizen.pk, w.club.pk), (w.fan.pk, None)]
    )
    assert {a.arena for a in ideas} == {key}
    comments = acts(report, "comment")
    # The deleted comment is gone; the reply is aimed at the comment's author, the comment at the
    # idea's author and the organisation it was posted for.
    assert {(a.person_id, a.target_person_id, a.target_organisation_id) for a in comments} == {
        (w.fan.pk, w.citizen.pk, w.club.pk),
        (w.replier.pk, w.fan.pk, None),
    }
    assert [
        (a.person_id, a.target_person_id, a.target_organisation_id) for a in acts(report, "support")
    ] == [(w.fan.pk, w.citizen.pk, w.club.pk)]
    assert [(a.arena, a.person_id) for a in acts(report, "comparison")] == [(key, w.fan.pk)]


def test_challenges_leave_out_what_is_outside_the_period_and_use_the_local_day(ideas_world):
    w = ideas_world
    move_back(Idea, "created_at", 40, pk=w.idea.pk)
    move_back(Support, "created_at", 40, idea=w.idea)
    report = read(challenges, w.town)
    assert [a.person_id for a in acts(report, "idea")] == [w.fan.pk]
    assert not acts(report, "support")
    earlier = read(challenges, w.town, TODAY() - timedelta(days=41), TODAY() - timedelta(days=39))
    assert [a.person_id for a in acts(earlier, "idea")] == [w.citizen.pk]
    assert [a.on for a in acts(earlier, "support")] == [TODAY() - timedelta(days=40)]
    # The arena existed then too; what happened today does not count in the earlier period.
    assert not acts(earlier, "comment") and not acts(earlier, "challenge")
    # 00:30 in Copenhagen is still the day before in UTC: it counts on the Danish day.
    day = TODAY() - timedelta(days=10)
    since, _until = bounds(day, day)
    with scopes_disabled():
        Idea.objects.filter(pk=w.other_idea.pk).update(created_at=since + timedelta(minutes=30))
    assert (since + timedelta(minutes=30)).astimezone(UTC).date() == day - timedelta(1)
    on_day = read(challenges, w.town, day, day)
    assert [(a.person_id, a.on) for a in acts(on_day, "idea")] == [(w.fan.pk, day)]
    assert not acts(read(challenges, w.town, day - timedelta(1), day - timedelta(1)), "idea")


def test_a_deleted_person_counts_without_a_name(ideas_world):
    w = ideas_world
    from samskab.accounts.personal_data import anonymise

    with scopes_disabled():
        anonymise(w.fan)
    report = read(challenges, w.town)
    assert w.fan.pk not in {a.person_id for a in report.activities}
    assert None in {a.person_id for a in acts(report, "support")}


def test_challenges_of_another_municipality_stay_there(ideas_world):
    w = ideas_world
    report = read(challenges, w.other)
    assert [a.key for a in report.arenas] == [f"challenge:{w.foreign.pk}"]
    assert {a.person_id for a in report.activities} == {w.other.owner.pk}


def test_a_proposed_or_premoderated_thing_is_not_listed_until_approved(town_a: Town):
    citizen = person(town_a, "forslag@borger.test")
    with scope(municipality=town_a.municipality):
        proposed = challenges.pose_challenge(town_a.public_space, citizen, title="Mit forslag")
        held = challenges.pose_challenge(
            town_a.public_space, town_a.owner, title="Forhånd", premoderation=True
        )
        challenges.submit_idea(held, citizen, title="Venter", body="…")
    assert proposed.status == "proposed"
    report = read(challenges, town_a)
    assert {a.key for a in report.arenas} == {f"challenge:{held.pk}"}
    assert not acts(report, "idea")


# --- opinions --------------------------------------------------------------------------------


def test_opinions_list_statements_and_every_vote(town_a: Town, town_b: Town):
    citizen = person(town_a, "borger@kbh.test")
    with scope(municipality=town_a.municipality):
        challenge = challenges.pose_challenge(town_a.public_space, town_a.owner, title="Byen")
        open_ = opinions.create_conversation(
            town_a.public_space,
            town_a.owner,
            title="Åben",
            challenge=challenge,
            statements=["Flere bænke."],
        )
        pre = opinions.create_conversation(
            town_a.staff_space, town_a.owner, title="Intern", moderation_mode=ModerationMode.PRE
        )
        mine = opinions.add_statement(open_, citizen, text="Længere åbent på biblioteket.")
        opinions.add_statement(pre, town_a.member, text="Venter på moderator.")
        seed = Statement.objects.get(conversation=open_, is_seed=True)
        opinions.cast_vote(open_, seed, citizen, value=1)
        opinions.cast_vote(open_, seed, citizen, value=-1)  # changed: two acts
        opinions.cast_vote(open_, mine, town_a.owner, value=1)
    with scope(municipality=town_b.municipality):
        opinions.create_conversation(town_b.public_space, town_b.owner, title="Aarhus")
    report = read(opinions, town_a)
    key = f"conversation:{open_.pk}"
    conv = arena(report, key)
    assert (
        conv.public and conv.parent == f"challenge:{challenge.pk}" and conv.kind == "conversation"
    )
    assert conv.url == open_.get_absolute_url()
    assert not arena(report, f"conversation:{pre.pk}").public
    assert len(report.arenas) == 2
    # The pre-moderated statement waits, so it is not listed.
    assert sorted(a.person_id for a in acts(report, "statement")) == sorted(
        [town_a.owner.pk, citizen.pk]
    )
    votes = acts(report, "vote")
    assert sorted(a.person_id for a in votes) == sorted([citizen.pk, citizen.pk, town_a.owner.pk])
    assert {a.arena for a in votes} == {key} and {a.on for a in votes} == {TODAY()}
    move_back(VoteEvent, "created_at", 5, conversation=open_)
    assert not acts(read(opinions, town_a), "vote")


def test_an_imported_participant_votes_without_a_person(town_a: Town):
    from samskab.opinions.models import Participant, Vote

    with scope(municipality=town_a.municipality):
        conv = opinions.create_conversation(
            town_a.public_space, town_a.owner, title="Import", statements=["Et udsagn."]
        )
        statement = conv.statements.get()
        participant = Participant.objects.create(
            municipality=town_a.municipality, conversation=conv, external_id="p1"
        )
        now = timezone.now()
        for model in (Vote, VoteEvent):
            model.objects.create(
                municipality=town_a.municipality,
                conversation=conv,
                statement=statement,
                participant=participant,
                value=1,
                created_at=now,
            )
    assert [a.person_id for a in acts(read(opinions, town_a), "vote")] == [None]


# --- complexity ------------------------------------------------------------------------------


def test_complexity_lists_rounds_and_ratings(town_a: Town, town_b: Town):
    citizen = person(town_a, "borger@kbh.test")
    with scope(municipality=town_a.municipality):
        challenge = challenges.pose_challenge(town_a.public_space, town_a.owner, title="Regnvand")
        first = complexity.open_round(challenge, town_a.owner)
        complexity.rate(first, citizen, agreement=2, certainty=4)
        complexity.rate(first, town_a.member, agreement=3, certainty=3)
    with scope(municipality=town_b.municipality):
        foreign = challenges.pose_challenge(town_b.public_space, town_b.owner, title="Aarhus")
        complexity.rate(
            complexity.open_round(foreign, town_b.owner), town_b.owner, agreement=1, certainty=1
        )
    report = read(complexity, town_a)
    round_arena = arena(report, f"round:{first.pk}")
    assert round_arena.parent == f"challenge:{challenge.pk}" and round_arena.public
    assert round_arena.kind == "round" and "Regnvand" in round_arena.label
    assert round_arena.url == first.get_absolute_url()
    assert len(report.arenas) == 1
    assert sorted(a.person_id for a in acts(report, "rating")) == sorted(
        [citizen.pk, town_a.member.pk]
    )
    move_back(Rating, "created_at", 3, person=citizen)
    assert [a.person_id for a in read(complexity, town_a).activities] == [town_a.member.pk]


# --- reflection ------------------------------------------------------------------------------


def test_reflection_lists_members_and_shared_entries_never_private_ones(town_a: Town):
    from tests.reflection.conftest import make_circle, write

    circle = make_circle(town_a)
    write(circle, circle.leader, "Mit eget.", "private")
    write(circle, circle.employee, "Delt med navn.", "shared")
    write(circle, circle.citizen, "Uden navn.", "anonymous")
    report = read(reflection, town_a)
    room = arena(report, f"room:{circle.room.pk}")
    assert not room.public and room.parent == "" and room.kind == "room"
    assert room.url == circle.room.get_absolute_url()
    with scope(municipality=town_a.municipality):
        n_members = RoomMember.objects.filter(room=circle.room).count()
        assert Entry.objects.filter(visibility="private").count() == 1
    acts_ = acts(report, "room")
    assert {a.arena for a in acts_} == {room.key} and {a.on for a in acts_} == {TODAY()}
    named = [a.person_id for a in acts_ if a.person_id is not None]
    # Every member once, and the shared entry's author once more; the private entry not at all.
    assert len(named) == n_members + 1
    assert named.count(circle.employee.pk) == 2 and named.count(circle.leader.pk) == 1
    # The anonymous entry counts for the room, without anyone.
    assert [a.person_id for a in acts_].count(None) == 1
    assert circle.citizen.pk in named  # as a member, not as the anonymous writer
    move_back(RoomMember, "created_at", 9, room=circle.room)
    move_back(Entry, "created_at", 9, session=circle.session)
    with scopes_disabled():
        circle.session.__class__.objects.filter(pk=circle.session.pk).update(
            created_at=timezone.now() - timedelta(days=9)
        )
        assert AnonymousEntry.objects.count() == 1
    assert not read(reflection, town_a).activities


def test_a_room_on_a_challenge_has_it_as_parent(town_a: Town):
    with scope(municipality=town_a.municipality):
        challenge = challenges.pose_challenge(town_a.public_space, town_a.owner, title="Byen")
        room = reflection.create_room(
            town_a.municipality, town_a.owner, title="Refleksion", challenge=challenge
        )
    assert arena(read(reflection, town_a), f"room:{room.pk}").parent == f"challenge:{challenge.pk}"


# --- workshops -------------------------------------------------------------------------------


def test_workshops_know_logged_in_participants_and_count_guests_without_anyone(town_a: Town):
    from tests.workshops.conftest import make_facilitator, make_workshop_challenge, open_workshop

    facilitator = make_facilitator(town_a)
    challenge, conversation, room_session = make_workshop_challenge(town_a)
    workshop = open_workshop(town_a, facilitator, challenge, conversation, room_session)
    with scope(municipality=town_a.municipality):
        named = workshops.join(workshop, town_a.member, pseudonym="Mette")
        guest = workshops.join(workshop, AnonymousUser(), pseudonym="Anna")
        activity = workshop.activities.get(kind=ActivityKind.REFLECTION)
        assert workshops.answer(activity, guest, {"text": "Vi lyttede.", "visibility": "anonymous"})
        assert workshops.answer(activity, named, {"text": "Godt møde.", "visibility": "shared"})
    report = read(workshops, town_a)
    key = f"workshop:{workshop.pk}"
    ws = arena(report, key)
    assert not ws.public and ws.parent == f"challenge:{challenge.pk}" and ws.kind == "workshop"
    assert sorted(a.person_id or 0 for a in acts(report, "workshop")) == sorted(
        [facilitator.pk, town_a.member.pk, 0]
    )
    assert guest.person_id not in {a.person_id for a in report.activities}
    # The reflection answers land in the room: the named one with its author, the anonymous one
    # with no one; nothing ties the guest to it.
    room_acts = acts(read(reflection, town_a), "room")
    assert town_a.member.pk in {a.person_id for a in room_acts}
    assert guest.person_id not in {a.person_id for a in room_acts}
    assert None in {a.person_id for a in room_acts}
    move_back(WorkshopParticipant, "joined_at", 2, session=workshop)
    assert [a.person_id for a in acts(read(workshops, town_a), "workshop")] == [facilitator.pk]


def test_a_guests_workshop_answers_count_without_a_person_in_the_other_apps(town_a: Town):
    from tests.workshops.conftest import make_facilitator, make_workshop_challenge, open_workshop

    facilitator = make_facilitator(town_a)
    workshop = open_workshop(town_a, facilitator, *make_workshop_challenge(town_a))
    with scope(municipality=town_a.municipality):
        guest = workshops.join(workshop, AnonymousUser(), pseudonym="Anna")
        stacey = workshop.activities.select_related("assessment_round").get(
            kind=ActivityKind.STACEY
        )
        assert workshops.answer(stacey, guest, {"agreement": "2", "certainty": "3"})
    assert [a.person_id for a in acts(read(complexity, town_a), "rating")] == [None]


# --- initiatives -----------------------------------------------------------------------------


@pytest.fixture
def initiative_world(town_a: Town, town_b: Town):
    facilitator = person(town_a, "fac@kbh.test", Role.FACILITATOR)
    clerk = person(town_a, "clerk@kbh.test", Role.EMPLOYEE)
    chair = person(town_a, "chair@kbh.test", Role.ASSOCIATION)
    volunteer = person(town_a, "frivillig@kbh.test")
    with scope(municipality=town_a.municipality):
        department = Organisation.objects.create(
            municipality=town_a.municipality,
            name="Ældre",
            kind=OrganisationKind.DEPARTMENT,
            level=1,
        )
        club = Organisation.objects.create(
            municipality=town_a.municipality, name="Fodslag", kind=OrganisationKind.ASSOCIATION
        )
        for who, org in ((clerk, department), (chair, club)):
            Affiliation.objects.create(
                municipality=town_a.municipality, person=who, organisation=org
            )
        challenge = challenges.pose_challenge(town_a.public_space, town_a.owner, title="Ensomhed")
        idea = challenges.submit_idea(challenge, volunteer, title="Spisning", body="…")
        initiative = initiatives.create_initiative(
            facilitator, space=town_a.public_space, title="Spisefællesskaber", challenge=challenge
        )
        from_idea = initiatives.create_initiative(
            facilitator, space=town_a.staff_space, title="Fra en idé", ideas=[idea]
        )
        municipal = initiatives.add_partner(
            initiative, facilitator, organisation=department, contact=clerk
        )
        association = initiatives.add_partner(
            initiative, facilitator, organisation=club, contact=chair
        )
        own = initiatives.add_partner(initiative, facilitator, person=volunteer, contact=volunteer)
        money = initiatives.commit(
            initiative, clerk, partner=municipal, kind="money", quantity=Decimal("1000.00")
        )
        withdrawn = initiatives.commit(
            initiative, chair, partner=association, kind="money", quantity=Decimal("500.00")
        )
        initiatives.withdraw_commitment(withdrawn, chair, reason="Vi kan alligevel ikke.")
        initiatives.set_part(
            initiative,
            facilitator,
            title="Madlavning",
            assignments={association: "responsible", own: "contributor", municipal: "informed"},
        )
    with scope(municipality=town_b.municipality):
        foreign = initiatives.create_initiative(
            town_b.owner, space=town_b.public_space, title="Aarhus"
        )
    return SimpleNamespace(
        town=town_a,
        facilitator=facilitator,
        clerk=clerk,
        chair=chair,
        volunteer=volunteer,
        department=department,
        club=club,
        challenge=challenge,
        idea=idea,
        initiative=initiative,
        from_idea=from_idea,
        money=money,
        withdrawn=withdrawn,
        foreign=foreign,
    )


def test_initiatives_list_partners_commitments_and_responsibilities(initiative_world):
    w = initiative_world
    report = read(initiatives, w.town)
    key = f"initiative:{w.initiative.pk}"
    main = arena(report, key)
    assert main.public and main.parent == f"challenge:{w.challenge.pk}"
    assert main.url == w.initiative.get_absolute_url() and main.kind == "initiative"
    derived = arena(report, f"initiative:{w.from_idea.pk}")
    assert not derived.public and derived.parent == f"challenge:{w.challenge.pk}"
    assert f"initiative:{w.foreign.pk}" not in {a.key for a in report.arenas}
    assert {a.arena for a in report.activities} == {key}
    assert sorted(
        (a.organisation_id or 0, a.person_id or 0) for a in acts(report, "partner")
    ) == sorted([(w.department.pk, 0), (w.club.pk, 0), (0, w.volunteer.pk)])
    # The withdrawn commitment is not a tie.
    assert [(a.organisation_id, a.person_id) for a in acts(report, "commitment")] == [
        (w.department.pk, None)
    ]
    # Ansvarlig and bidragyder carry the work; informed does not.
    assert sorted(
        (a.organisation_id or 0, a.person_id or 0) for a in acts(report, "responsibility")
    ) == sorted([(w.club.pk, 0), (0, w.volunteer.pk)])
    move_back(Partner, "joined_at", 30, initiative=w.initiative)
    move_back(Commitment, "created_at", 30, initiative=w.initiative)
    assert not read(initiatives, w.town).activities
    month = read(initiatives, w.town, TODAY() - timedelta(days=31), TODAY() - timedelta(days=29))
    assert len(acts(month, "partner")) == 3 and len(acts(month, "responsibility")) == 2


# --- experiments -----------------------------------------------------------------------------


def test_experiments_list_designers_and_reviewers(town_a: Town, town_b: Town):
    from tests.experiments.conftest import design, make_initiative

    initiative = make_initiative(town_a)
    hidden_initiative = make_initiative(town_a, town_a.invite_space, title="Lukket")
    experiment = design(initiative, town_a.owner)
    closed = design(hidden_initiative, town_a.owner, title="Lukket forsøg")
    with scope(municipality=town_a.municipality):
        experiments.review_experiment(
            experiment, town_a.owner, decision="amplify", sensed="Mange kom."
        )
    design(make_initiative(town_b), town_b.owner)
    report = read(experiments, town_a)
    key = f"experiment:{experiment.pk}"
    exp = arena(report, key)
    assert exp.public and exp.parent == f"initiative:{initiative.pk}" and exp.kind == "experiment"
    assert exp.url == experiment.get_absolute_url()
    assert not arena(report, f"experiment:{closed.pk}").public
    assert len(report.arenas) == 2
    assert sorted((a.arena, a.person_id) for a in acts(report, "experiment")) == sorted(
        [
            (key, town_a.owner.pk),
            (key, town_a.owner.pk),
            (f"experiment:{closed.pk}", town_a.owner.pk),
        ]
    )
    move_back(Experiment, "created_at", 4)
    move_back(Review, "at", 4)
    later = read(experiments, town_a)
    assert len(later.arenas) == 2 and not later.activities


# --- all of them together --------------------------------------------------------------------


def test_every_source_lists_only_known_kinds_and_arenas_it_names(ideas_world, initiative_world):
    for source in SOURCES:
        report = read(source, ideas_world.town)
        keys = {a.key for a in report.arenas}
        assert {a.arena for a in report.activities} <= keys, source.__name__
        assert {a.kind for a in report.activities} <= set(KINDS)


def test_collect_over_the_demo_gathers_several_apps(kommuner):
    demo = load_demo()
    start = TODAY() - timedelta(days=3650)
    with scope(municipality=demo.municipality):
        report = collect(demo.municipality, start, TODAY())
    prefixes = {a.key.split(":")[0] for a in report.arenas}
    assert {"challenge", "conversation", "round", "initiative"} <= prefixes
    assert len({a.kind for a in report.activities}) >= 5
    assert len({a.key for a in report.arenas}) == len(report.arenas)
    assert {a.arena for a in report.activities} <= {a.key for a in report.arenas}
    assert any(a.person_id for a in report.activities)


# --- query counts ----------------------------------------------------------------------------


def _grow(town: Town, n: int, tag: str) -> None:
    """n more of everything each source reads, through the models (no rate limits)."""
    m = town.municipality
    people = [person(town, f"p{tag}{i}@grow.test") for i in range(n)]
    with scope(municipality=m):
        org = Organisation.objects.create(municipality=m, name=f"Org {tag}", kind="association")
        for i, p in enumerate(people):
            Affiliation.objects.create(municipality=m, person=p, organisation=org)
            challenge = challenges.pose_challenge(
                town.public_space, town.owner, title=f"U {tag}{i}", categories=[f"K{tag}{i}"]
            )
            idea = Idea.objects.create(
                municipality=m,
                challenge=challenge,
                author=p,
                title="I",
                body="…",
                on_behalf_of=org,
            )
            other = Idea.objects.create(
                municipality=m, challenge=challenge, author=town.owner, title="J", body="…"
            )
            top = Comment.objects.create(municipality=m, idea=idea, author=town.owner, body="k")
            Comment.objects.create(municipality=m, idea=idea, parent=top, author=p, body="s")
            Support.objects.create(municipality=m, idea=idea, person=town.owner)
            Comparison.objects.create(
                municipality=m, challenge=challenge, person=p, left=idea, right=other, choice="tie"
            )
            conv = opinions.create_conversation(
                town.public_space,
                town.owner,
                title=f"S {tag}{i}",
                challenge=challenge,
                statements=["Et udsagn."],
            )
            opinions.cast_vote(conv, conv.statements.get(), p, value=1)
            complexity.rate(
                complexity.open_round(challenge, town.owner), p, agreement=2, certainty=2
            )
            room = reflection.create_room(m, town.owner, title=f"R {tag}{i}", challenge=challenge)
            reflection.add_member(room, town.owner, town.member, role=Role.EMPLOYEE)
            session = reflection.start_session(
                room, town.owner, template=reflection.get_template(m, "stacey")
            )
            for visibility in ("shared", "anonymous", "private"):
                reflection.write_entry(
                    session, town.member, prompt_index=0, text="Tanke", visibility=visibility
                )
            workshop = workshops.create_session(
                challenge, town.owner, title=f"W {tag}{i}", kinds=[ActivityKind.STACEY]
            )
            workshops.join(workshop, p, pseudonym="P")
            workshops.join(workshop, AnonymousUser(), pseudonym="G")
            initiative = initiatives.create_initiative(
                town.owner, space=town.public_space, title=f"In {tag}{i}", challenge=challenge
            )
            partner = initiatives.add_partner(initiative, town.owner, organisation=org, contact=p)
            initiatives.add_partner(initiative, town.owner, person=p, contact=p)
            initiatives.commit(
                initiative, p, partner=partner, kind="money", quantity=Decimal("10.00")
            )
            initiatives.set_part(
                initiative, town.owner, title="Del", assignments={partner: "responsible"}
            )
            experiment = experiments.design_experiment(
                initiative,
                town.owner,
                review_on=TODAY() + timedelta(days=9),
                zone=4,
                title="E",
                hypothesis="h",
                signals="s",
                amplify_when="a",
                dampen_when="d",
                stop_when="x",
            )
            experiments.review_experiment(
                experiment,
                town.owner,
                decision="continue",
                sensed="…",
                next_review_on=TODAY() + timedelta(days=20),
            )


def _count(source: Any, town: Town) -> tuple[int, int]:
    with scope(municipality=town.municipality):
        with CaptureQueriesContext(connection) as queries:
            report = source.landscape_activity(town.municipality, TODAY(), TODAY())
        assert report.activities, source.__name__
    return len(queries), len(report.activities)


def _count_directory(town: Town) -> int:
    with scope(municipality=town.municipality), CaptureQueriesContext(connection) as queries:
        assert directory.organisations(town.municipality)
        assert directory.affiliations(town.municipality)
        assert directory.roles_by_person(town.municipality)
    return len(queries)


def test_every_source_costs_the_same_queries_at_two_sizes(town_a: Town):
    _grow(town_a, 1, "a")
    small = {source.__name__: _count(source, town_a) for source in SOURCES}
    small_directory = _count_directory(town_a)
    _grow(town_a, 3, "b")
    large = {source.__name__: _count(source, town_a) for source in SOURCES}
    for name, (queries, n) in small.items():
        assert large[name][0] == queries, name
        assert large[name][1] > n, name
        assert queries <= 6, name
    assert _count_directory(town_a) == small_directory == 3
