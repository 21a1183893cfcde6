"""Workshop services: joining by code, answering each activity kind, idempotency, privacy."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Membership
from samskab.challenges.models import Comparison
from samskab.complexity.models import Rating
from samskab.core.models import AuditEvent
from samskab.opinions.models import Vote, VoteEvent
from samskab.reflection.models import AnonymousEntry, Entry
from samskab.workshops import services
from samskab.workshops.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    ActivityKind,
    AnswerReceipt,
    LiveSession,
    WorkshopParticipant,
)
from tests.workshops.conftest import open_workshop

pytestmark = pytest.mark.django_db


def _activity(workshop, kind):
    with scopes_disabled():
        return workshop.activities.select_related(
            "assessment_round", "conversation", "reflection_session", "session__challenge"
        ).get(kind=kind)


def _join(town, workshop, user=None, pseudonym="Anna"):
    with scope(municipality=town.municipality):
        return services.join(workshop, user or AnonymousUser(), pseudonym=pseudonym)


def test_code_is_short_and_unambiguous(workshop):
    assert len(workshop.code) == CODE_LENGTH
    assert set(workshop.code) <= set(CODE_ALPHABET)
    assert not set("0O1IL") & set(CODE_ALPHABET)


def test_find_session_by_code_any_case_and_spaces(workshop):
    with scopes_disabled():
        code = workshop.code.lower()
        assert services.find_session(f" {code[:3]} {code[3:]} ").pk == workshop.pk


@pytest.mark.parametrize("code", ["", "ABC", "QQQQQQ", "QQQQQQQQ"])
def test_wrong_code(workshop, code):
    with scopes_disabled(), pytest.raises(services.ServiceError) as e:
        services.find_session(code)
    assert "deltagerkode" in str(e.value).lower()


def test_expired_and_closed_codes(town_a, workshop, facilitator):
    with scopes_disabled():
        LiveSession.objects.filter(pk=workshop.pk).update(
            expires_at=timezone.now() - timedelta(minutes=1)
        )
        with pytest.raises(services.ServiceError, match="udløbet"):
            services.find_session(workshop.code)
        LiveSession.objects.filter(pk=workshop.pk).update(is_open=False)
        with pytest.raises(services.ServiceError, match="kender ikke"):
            services.find_session(workshop.code)


def test_closed_session_code_can_be_reused(town_a, workshop, facilitator, setup):
    with scope(municipality=town_a.municipality):
        services.set_session_open(workshop, facilitator, is_open=False)
    again = open_workshop(town_a, facilitator, *setup, code=workshop.code)
    assert again.code == workshop.code
    with scope(municipality=town_a.municipality), pytest.raises(services.ServiceError):
        services.set_session_open(workshop, facilitator, is_open=True)


def test_a_taken_code_is_drawn_again(town_a, workshop, facilitator, setup):
    other = open_workshop(town_a, facilitator, *setup, code=workshop.code)
    assert other.code != workshop.code


def test_anonymous_join_creates_a_guest_that_cannot_log_in(town_a, workshop):
    p = _join(town_a, workshop)
    assert p.is_guest and not p.person.is_active and not p.person.has_usable_password()
    assert p.person.public_name == "Anna"
    with scopes_disabled():
        assert not p.person.memberships.exists() if hasattr(p.person, "memberships") else True


def test_anonymous_join_refused_when_not_allowed(town_a, facilitator, setup):
    w = open_workshop(town_a, facilitator, *setup, allow_anonymous=False)
    with pytest.raises(services.ServiceError, match="Log ind"):
        _join(town_a, w)
    with scopes_disabled():
        assert not WorkshopParticipant.objects.exists()
    p = _join(town_a, w, user=town_a.member)
    assert not p.is_guest and p.person == town_a.member


def test_logged_in_person_joins_once(town_a, workshop):
    first = _join(town_a, workshop, user=town_a.member)
    again = _join(town_a, workshop, user=town_a.member, pseudonym="Bo")
    assert first.pk == again.pk and again.pseudonym == "Bo"


@pytest.mark.parametrize("pseudonym", ["", "   ", "x" * 41, "0101801234"])
def test_bad_pseudonym_stores_nothing(town_a, workshop, pseudonym):
    with pytest.raises(services.ServiceError):
        _join(town_a, workshop, pseudonym=pseudonym)
    with scopes_disabled():
        assert not WorkshopParticipant.objects.exists()


def test_role_must_be_held(town_a, workshop):
    with scope(municipality=town_a.municipality), pytest.raises(services.ServiceError):
        services.join(workshop, town_a.member, pseudonym="Bo", role="borgmester")
    with scope(municipality=town_a.municipality):
        p = services.join(workshop, town_a.member, pseudonym="Bo", role="medarbejder")
    assert p.role == "medarbejder"


def test_a_guest_may_say_which_role_they_come_as_and_their_answers_carry_it(town_a, workshop):
    with scope(municipality=town_a.municipality):
        guest = services.join(workshop, AnonymousUser(), pseudonym="Bo", role="politiker")
    assert guest.role == "politiker"
    # The role labels the answers and grants nothing: the guest holds no membership.
    with scopes_disabled():
        assert not Membership.objects.filter(person=guest.person).exists()
    stacey = _activity(workshop, ActivityKind.STACEY)
    statements = _activity(workshop, ActivityKind.STATEMENTS)
    with scope(municipality=town_a.municipality):
        services.answer(stacey, guest, {"agreement": "2", "certainty": "4"})
        statement = services.next_statement_for(statements, guest)
        services.answer(statements, guest, {"statement": statement.pk, "value": "1"})
        assert Rating.objects.get(person=guest.person).role == "politiker"
        assert Vote.objects.get(participant__person=guest.person).role == "politiker"


@pytest.mark.parametrize("role", ["administrator", "facilitator", "borgmester", "konge"])
def test_a_guest_cannot_declare_a_role_that_runs_things(town_a, workshop, role):
    with (
        scope(municipality=town_a.municipality),
        pytest.raises(services.ServiceError, match="Vælg en af rollerne på listen"),
    ):
        services.join(workshop, AnonymousUser(), pseudonym="Bo", role=role)
    with scopes_disabled():
        assert not WorkshopParticipant.objects.exists()


def test_only_failed_joins_count_towards_the_limit():
    limit = services.JOIN_LIMITS["s"][0]
    for _i in range(limit * 3):
        services.check_join_rate("s:abc", "ip:1.2.3.4")  # successful joins count nothing
    for _i in range(limit):
        services.check_join_rate("s:abc", "ip:1.2.3.4")
        services.count_failed_join("s:abc", "ip:1.2.3.4")
    with pytest.raises(services.JoinLimited):
        services.check_join_rate("s:abc", "ip:1.2.3.4")
    services.check_join_rate("s:other", "ip:1.2.3.4")


def test_stacey_answer_lands_in_the_round_once(town_a, workshop):
    p = _join(town_a, workshop)
    activity = _activity(workshop, ActivityKind.STACEY)
    with scope(municipality=town_a.municipality):
        assert services.answer(activity, p, {"agreement": "4", "certainty": "2"})
        # A phone that lost its connection sends the same answer again.
        assert not services.answer(activity, p, {"agreement": "4", "certainty": "2"})
        ratings = list(Rating.objects.filter(round=activity.assessment_round))
    assert [(r.agreement, r.certainty, r.person_id) for r in ratings] == [(4, 2, p.person_id)]


@pytest.mark.parametrize("data", [{}, {"agreement": "9", "certainty": "2"}, {"agreement": "x"}])
def test_bad_stacey_answer_stores_nothing(town_a, workshop, data):
    p = _join(town_a, workshop)
    activity = _activity(workshop, ActivityKind.STACEY)
    with scope(municipality=town_a.municipality):
        with pytest.raises(services.ServiceError):
            services.answer(activity, p, data)
        assert not Rating.objects.exists() and not AnswerReceipt.objects.exists()


def test_answer_to_closed_activity_or_session_stores_nothing(town_a, workshop, facilitator):
    p = _join(town_a, workshop)
    activity = _activity(workshop, ActivityKind.STACEY)
    with scope(municipality=town_a.municipality):
        services.set_activity_open(activity, facilitator, is_open=False)
        with pytest.raises(services.ServiceError, match="Aktiviteten er lukket"):
            services.answer(activity, p, {"agreement": "4", "certainty": "2"})
        services.set_activity_open(activity, facilitator, is_open=True)
        services.set_session_open(workshop, facilitator, is_open=False)
        with pytest.raises(services.ServiceError, match="Workshoppen er slut"):
            services.answer(activity, p, {"agreement": "4", "certainty": "2"})
        assert not Rating.objects.exists() and not AnswerReceipt.objects.exists()


def test_statement_vote_lands_in_opinions_once(town_a, workshop):
    p = _join(town_a, workshop)
    activity = _activity(workshop, ActivityKind.STATEMENTS)
    with scope(municipality=town_a.municipality):
        statement = services.next_statement_for(activity, p)
        data = {"statement": statement.pk, "value": "1"}
        assert services.answer(activity, p, data)
        assert not services.answer(activity, p, data)
        assert Vote.objects.get(statement=statement).value == 1
        assert VoteEvent.objects.filter(statement=statement).count() == 1
        other = services.next_statement_for(activity, p)
        assert other is not None and other.pk != statement.pk


def test_vote_on_a_statement_of_another_conversation_is_refused(town_a, workshop):
    p = _join(town_a, workshop)
    activity = _activity(workshop, ActivityKind.STATEMENTS)
    with scope(municipality=town_a.municipality), pytest.raises(services.ServiceError):
        services.answer(activity, p, {"statement": 999999, "value": "1"})


def test_pairwise_pick_lands_in_comparisons_once(town_a, workshop):
    p = _join(town_a, workshop)
    activity = _activity(workshop, ActivityKind.PAIRWISE)
    with scope(municipality=town_a.municipality):
        left, right = services.next_pair_for(activity, p)
        data = {"left": left.pk, "right": right.pk, "choice": "left"}
        assert services.answer(activity, p, data)
        assert not services.answer(activity, p, data)
        assert Comparison.objects.filter(person=p.person, choice="left").count() == 1


def test_pairwise_needs_prioritisation(town_a, facilitator, setup):
    challenge, conversation, reflection = setup
    with scope(municipality=town_a.municipality):
        from samskab.challenges import services as challenge_services

        challenge_services.set_phase(challenge, town_a.owner, "decision")
        challenge.refresh_from_db()
    with pytest.raises(services.ServiceError, match="prioriteringsfasen"):
        open_workshop(town_a, facilitator, challenge, conversation, reflection, kinds=["pairwise"])


def test_anonymous_reflection_keeps_no_author(town_a, workshop):
    p = _join(town_a, workshop, user=town_a.member)
    activity = _activity(workshop, ActivityKind.REFLECTION)
    with scope(municipality=town_a.municipality):
        before = AuditEvent.objects.count()
        data = {"text": "Vi glemte de unge.", "visibility": "anonymous"}
        assert services.answer(activity, p, data)
        assert not services.answer(activity, p, data)
        assert AnonymousEntry.objects.count() == 1
        assert not Entry.objects.exists()
        assert AuditEvent.objects.count() == before


def test_shared_reflection_has_the_author(town_a, workshop):
    p = _join(town_a, workshop)
    activity = _activity(workshop, ActivityKind.REFLECTION)
    with scope(municipality=town_a.municipality):
        services.answer(activity, p, {"text": "Vi lyttede.", "visibility": "shared"})
        assert Entry.objects.get().author_id == p.person_id


@pytest.mark.parametrize(
    "data",
    [
        {"text": "", "visibility": "anonymous"},
        {"text": "x" * 1001, "visibility": "anonymous"},
        {"text": "ok", "visibility": "private"},
        {"text": "Mit CPR er 010180-1234", "visibility": "shared"},
    ],
)
def test_bad_reflection_stores_nothing(town_a, workshop, data):
    p = _join(town_a, workshop)
    activity = _activity(workshop, ActivityKind.REFLECTION)
    with scope(municipality=town_a.municipality):
        with pytest.raises(services.ServiceError):
            services.answer(activity, p, data)
        assert not AnonymousEntry.objects.exists() and not Entry.objects.exists()
        assert not AnswerReceipt.objects.exists()


def test_move_between_activities(town_a, workshop, facilitator):
    with scope(municipality=town_a.municipality):
        kinds = [a.kind for a in workshop.activities.order_by("position")]
        assert workshop.current.kind == kinds[0]
        services.move(workshop, facilitator, step=-1)
        assert workshop.current.kind == kinds[0]
        for expected in kinds[1:]:
            services.move(workshop, facilitator, step=1)
            assert LiveSession.objects.get(pk=workshop.pk).current.kind == expected
        services.move(workshop, facilitator, step=1)
        assert workshop.current.kind == kinds[-1]


def test_create_needs_an_activity(town_a, facilitator, setup):
    with pytest.raises(services.ServiceError, match="mindst én"):
        open_workshop(town_a, facilitator, *setup, kinds=[])


def test_personal_data_export_and_erase(town_a, workshop):
    from samskab.accounts.personal_data import ERASERS, EXPORTERS

    _join(town_a, workshop, user=town_a.member, pseudonym="Bo")
    with scopes_disabled():
        data = EXPORTERS["workshops"](town_a.member)
        assert data["participations"][0]["pseudonym"] == "Bo"
        ERASERS["workshops"](town_a.member)
        assert not WorkshopParticipant.objects.exists()


def _ended(workshop, days_ago):
    with scopes_disabled():
        LiveSession.objects.filter(pk=workshop.pk).update(
            is_open=False, expires_at=timezone.now() - timedelta(days=days_ago)
        )


def test_guests_are_forgotten_a_month_after_the_workshop_and_their_answers_still_count(
    town_a, workshop, facilitator, setup, django_capture_on_commit_callbacks
):
    guest = _join(town_a, workshop, pseudonym="Gæst Gitte")
    member = _join(town_a, workshop, user=town_a.member, pseudonym="Bo")
    activity = _activity(workshop, ActivityKind.STACEY)
    with scope(municipality=town_a.municipality):
        services.answer(activity, guest, {"agreement": "4", "certainty": "2"})
    _ended(workshop, days_ago=29)
    with scopes_disabled():
        assert services.forget_guests() == 0  # not yet: the default is 30 days
    _ended(workshop, days_ago=31)
    # Opening the next workshop sweeps, so a laptop install without cron forgets them too.
    with django_capture_on_commit_callbacks(execute=True):
        open_workshop(town_a, facilitator, *setup)
    with scopes_disabled():
        guest.person.refresh_from_db()
        assert guest.person.pseudonym == "" and guest.person.email.startswith("slettet-")
        assert not WorkshopParticipant.objects.filter(pk=guest.pk).exists()
        # The rating stays in the round, now as a deleted participant's.
        assert Rating.objects.filter(person=guest.person, agreement=4).exists()
        # People who joined with their own account are not guests and are left alone.
        assert WorkshopParticipant.objects.filter(pk=member.pk).exists()
        assert services.forget_guests() == 0


def test_forget_command_takes_the_days(town_a, workshop):
    from io import StringIO

    from django.core.management import call_command

    guest = _join(town_a, workshop)
    _ended(workshop, days_ago=3)
    out = StringIO()
    call_command("forget_workshop_guests", "--days", "2", stdout=out)
    assert "1 gæster" in out.getvalue()
    with scopes_disabled():
        assert not WorkshopParticipant.objects.filter(pk=guest.pk).exists()
