"""Every public service function checks its own permission and writes its own audit event.

Pages, the API, the CLI and workshops all call the same services, so a rule that lives in a view
is a rule the next caller forgets. This walks every public function of every app's `services`
module: each is either a write, with a case below that calls it as someone without the right
(refused with a message, nothing written) and as someone with it (done, and an audit row
written in its transaction), or it is named as a read or as the system's own work (tasks, mail,
token checks) with the reason. A new service function that is in neither list fails the first
test, so it cannot be added without saying who may call it.

Everything runs on the demo municipality (which has content in every app), each case in a
savepoint that is rolled back, so the cases do not see each other.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from samskab.core.errors import ServiceError
from samskab.core.models import AuditEvent
from samskab.demo.content import Demo, load_demo
from tests.conftest import give_role, make_person

pytestmark = pytest.mark.django_db

APPS = [
    "municipalities",
    "challenges",
    "opinions",
    "complexity",
    "reflection",
    "workshops",
    "notifications",
    "initiatives",
    "experiments",
    "landscape",
    "reports",
]

# Functions that change nothing, or that the system itself calls (tasks, mail, a signed token),
# so no person's permission applies. Each with why.
NOT_A_PERSONS_WRITE: dict[str, str] = {
    # reads: they apply the app's own visibility rules and return data
    "challenges.schedule_ranking": "queues the background ranking; called by compare",
    "challenges.idea_people": "read",
    "challenges.idea_edit_refusal": "read: why edit_idea would refuse, for the page",
    "challenges.idea_revisions": "read, for the idea's author and moderators",
    "challenges.challenge_revisions": "read, for those who may run the challenge",
    "challenges.editable_dates": "pure",
    "challenges.movement_report_figures": "read, for the movement's council report",
    "opinions.conversations_for_report": "read, for the council report: checks view_space",
    "reflection.learnings_for_movement": "read, for the movement's council report",
    "challenges.landscape_activity": "read, for the landscape: aggregates, never private items",
    "opinions.landscape_activity": "read, for the landscape: aggregates, never private items",
    "complexity.landscape_activity": "read, for the landscape: aggregates, never private items",
    "reflection.landscape_activity": "read, for the landscape: aggregates, never private items",
    "workshops.landscape_activity": "read, for the landscape: aggregates, never private items",
    "workshops.workshops_for_challenge": "read, checks run_workshop",
    "workshops.open_workshops_run_by": "read, for the start page: the person's own workshops",
    "initiatives.landscape_activity": "read, for the landscape: aggregates, never private items",
    "experiments.landscape_activity": "read, for the landscape: aggregates, never private items",
    "challenges.visible_ideas": "read, checks view_challenge",
    "challenges.challenges_by_phase": "read, for the dashboard: in spaces the person may enter",
    "challenges.open_challenges": "read, for the start page: in spaces the person may enter",
    "challenges.search_challenges": "read, for search: published, in spaces the person may enter",
    "challenges.search_ideas": "read, for search: visible or own, in spaces the person may enter",
    "challenges.is_mayor_question": "pure",
    "challenges.recent_ideas": "read, for the movement page: visible ideas, spaces one may enter",
    "challenges.my_ideas": "read, for the start page: the person's own ideas only",
    "challenges.moderation_waiting": "read, a count; 0 unless the person may moderate",
    "challenges.report_figures": "read, for the council report: checks view_challenge",
    "complexity.thresholds_for": "read",
    "complexity.rounds_of": "read",
    "complexity.my_rating": "read of the person's own rating",
    "complexity.ratings_of": "read",
    "complexity.ratings_by_round": "read",
    "complexity.assessments_for_challenge": "read, checks view_assessment",
    "complexity.latest_zone": "read",
    "complexity.zone_counts": "read, for the dashboard: in spaces the person may enter",
    "experiments.zone_choices": "pure",
    "experiments.assessed_zone": "read",
    "experiments.authors_of": "read",
    "experiments.experiments_for_initiative": "read, checks view_experiment",
    "experiments.reviews_of": "read",
    "experiments.counts_per_initiative": "read, of initiatives the caller chose",
    "experiments.portfolio": "read, of initiatives the person may see",
    "notifications.digest_recipients": "read",
    "notifications.digest_due": "read, for the daily digest run",
    "notifications.mark_digest_sent": "the daily digest run's bookkeeping (no person acts)",
    "notifications.preference": "read of the person's own preferences",
    "notifications.unsubscribe_token": "signs a token",
    "notifications.read_unsubscribe_token": "checks a token",
    "notifications.unsubscribe_url": "builds a link",
    "notifications.notify": "queues mail for a service that already checked its rule",
    "notifications.in_language": "formats text",
    "notifications.site_name": "formats text",
    "notifications.absolute": "builds a link",
    "notifications.notifications_for": "read of the person's own notifications",
    "notifications.unread_count": "read, a count of the person's own unread notifications",
    "opinions.personal_data_export": "read, the person's own votes and statements",
    "complexity.challenges_with_rounds": "read, of challenges the caller chose",
    "opinions.votable_statements": "read",
    "opinions.is_votable": "read",
    "opinions.conversations_for_challenge": "read, checks view_space",
    "opinions.current_role": "read",
    "opinions.next_statement": "read",
    "opinions.new_statement_priority": "pure",
    "opinions.mark_dirty": "the recompute bookkeeping",
    "opinions.enqueue_recompute": "queues the background recompute",
    "opinions.build_input": "pure",
    "opinions.result_data": "pure",
    "opinions.public_result": "pure",
    "opinions.consensus_counts": "read, for the dashboard: in spaces the person may enter",
    "opinions.open_conversations": "read, for the start page: in spaces the person may enter",
    "opinions.search_statements": "read, for search: statements voters see, in visible spaces",
    "opinions.maps_for_report": "read, for the council report: public_result, checks view_space",
    "opinions.compute": "pure",
    "opinions.recompute": "the background task",
    "reflection.role_choices": "pure",
    "reflection.templates_for": "read",
    "reflection.get_template": "read",
    "reflection.membership": "read",
    "reflection.rooms_for": "read",
    "reflection.rooms_for_challenge": "read",
    "reflection.session_view": "read, applies the privacy rules",
    "reflection.patterns": "read",
    "reflection.library": "read",
    "reflection.shared_library": "read",
    "reflection.search_learnings": "read, for search: the library for staff, else published only",
    "reflection.learnings_awaiting_consent": "read, for the start page: the person's own rows",
    "reflection.learnings_for_challenge": "read, for the council report: checks view_challenge",
    "reflection.workshop_session_for": "read",
    "reflection.may_use_in_workshop": "read",
    "reflection.workshop_answered": "read",
    "reflection.workshop_answers": "read",
    "reflection.record_workshop_answer": "called by workshops.answer, whose case covers it",
    "workshops.normalise_code": "pure",
    "workshops.check_join_rate": "a limit",
    "workshops.count_failed_join": "a limit",
    "workshops.find_session": "read",
    "workshops.participant_for": "read",
    "workshops.answered_items": "read",
    "workshops.next_statement_for": "read",
    "workshops.next_pair_for": "read",
    "initiatives.economy": "read",
    "initiatives.economies": "read",
    "initiatives.timeline": "read",
    "initiatives.initiatives_for_idea": "read, filtered by view_space",
    "initiatives.initiatives_for_challenge": "read, filtered by view_space",
    "initiatives.search_initiatives": "read, for search: filtered by view_space",
    "initiatives.commitment_history": "read",
    "landscape.recent": "read, the stored landscape to show by default",
    "landscape.default_period": "pure",
    "landscape.previous_period": "pure",
    "landscape.period_choices": "pure",
    "landscape.check_period": "pure",
    "landscape.parse_period": "pure",
    "landscape.export_url": "builds a link",
    "landscape.latest": "read; the caller checks view_landscape",
    "landscape.build_document": "the system's own work: computes, stores nothing",
    "landscape.compute": "the system's own work: the background task (or the CLI) stores it",
    "landscape.record_failure": "the background task's bookkeeping",
    "landscape.queue": "the system's own work: queues the computation (no person acts)",
    "landscape.enqueue": "queues the background computation",
    "initiatives.overview": "read, for the dashboard: initiatives the person may see",
    "initiatives.partners_for_report": "read, for the council report: checks view_initiative",
    "reports.report_for": "read (an unsaved report until the first edit)",
    "reports.report_for_movement": "read (an unsaved report until the first edit)",
    "reports.published_version": "read",
    "reports.history": "read",
    "reports.is_frozen": "read",
    "reports.snapshot": "read, each app checks view_challenge",
    "reports.clauses_of": "pure",
    "reports.cached_file": "read",
    "reports.store_file": "the background PDF task's bookkeeping",
    "reports.enqueue_pdf": "queues the background PDF",
}


@dataclass
class World:
    demo: Demo
    people: dict[str, Any]
    prepared: Any = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.demo, name)


def _first(model: Any, **filters: Any) -> Any:
    found = model.objects.filter(**filters).order_by("pk").first()
    assert found is not None, f"the demo has no {model.__name__} with {filters}"
    return found


@dataclass
class Case:
    refused: str  # who is refused
    allowed: str  # who may
    call: Callable[[World, Any], Any]
    # Run first, in the same savepoint but before the audit count: what the call needs made.
    setup: Callable[[World], Any] | None = None


def _challenges() -> dict[str, Case]:
    from samskab.challenges import services as s
    from samskab.challenges.models import Challenge, Comment, Idea, Visibility
    from samskab.challenges.phases import Phase

    def challenge(w: World, phase: str = Phase.IDEAS) -> Challenge:
        return _first(
            Challenge,
            status="published",
            phase=phase,
            space__visibility="public",
            ideas__visibility=Visibility.VISIBLE,
        )

    def idea(w: World) -> Idea:
        return _first(Idea, challenge=challenge(w), visibility=Visibility.VISIBLE)

    def others_idea(w: World) -> Idea:
        # Nobody supports their own idea: one the demo's citizen did not write.
        found = (
            Idea.objects.filter(challenge=challenge(w), visibility=Visibility.VISIBLE)
            .exclude(author=w.people["borger"])
            .order_by("pk")
            .first()
        )
        assert found is not None, "the demo has no idea by someone else"
        return found

    def own_comment(w: World) -> Comment:
        return s.add_comment(idea(w), w.people["borger"], body="Godt.")

    def pair(w: World) -> tuple[Idea, Idea]:
        ideas = list(
            Idea.objects.filter(
                challenge=challenge(w, Phase.PRIORITISATION), visibility=Visibility.VISIBLE
            ).order_by("pk")[:2]
        )
        return ideas[0], ideas[1]

    return {
        "pose_challenge": Case(
            "borger",
            "administrator",
            lambda w, a: s.pose_challenge(
                w.spaces["Styregruppen for samskabelse"], a, title="Ny udfordring", description="…"
            ),
        ),
        "review_challenge": Case(
            "borger",
            "moderator",
            lambda w, a: s.review_challenge(w.prepared, a, approve=True, reason=""),
            setup=lambda w: s.pose_challenge(
                _first(Challenge, space__visibility="public", status="published").space,
                w.people["borger"],
                title="Et forslag fra en borger",
                description="…",
            ),
        ),
        "set_phase": Case(
            "borger", "administrator", lambda w, a: s.set_phase(challenge(w), a, Phase.DECISION)
        ),
        "submit_idea": Case(
            "anonym",
            "borger",
            lambda w, a: s.submit_idea(challenge(w), a, title="En idé", body="Sådan."),
        ),
        "set_outcome": Case(
            "borger",
            "administrator",
            lambda w, a: s.set_outcome(idea(w), a, outcome="considering", note=""),
        ),
        "support": Case("anonym", "borger", lambda w, a: s.support(others_idea(w), a)),
        "withdraw_support": Case(
            "anonym",
            "borger",
            lambda w, a: s.withdraw_support(others_idea(w), a),
            setup=lambda w: s.support(others_idea(w), w.people["borger"]),
        ),
        "add_comment": Case(
            "anonym", "borger", lambda w, a: s.add_comment(idea(w), a, body="En kommentar.")
        ),
        "edit_comment": Case(
            "medarbejder",
            "borger",
            lambda w, a: s.edit_comment(w.prepared, a, body="Rettet."),
            setup=own_comment,
        ),
        "edit_idea": Case(
            "medarbejder",
            "borger",
            lambda w, a: s.edit_idea(w.prepared, a, title="En rettet idé", body="Sådan nu."),
            setup=lambda w: s.submit_idea(
                challenge(w), w.people["borger"], title="En idé", body="Sådan."
            ),
        ),
        "edit_challenge": Case(
            "borger",
            "administrator",
            lambda w, a: s.edit_challenge(challenge(w), a, title="En rettet udfordring?"),
        ),
        "delete_comment": Case(
            "medarbejder",
            "borger",
            lambda w, a: s.delete_comment(w.prepared, a),
            setup=own_comment,
        ),
        "flag": Case(
            "anonym", "borger", lambda w, a: s.flag(a, others_idea(w), reason="Stødende.")
        ),
        "moderate": Case(
            "borger",
            "moderator",
            lambda w, a: s.moderate(idea(w), a, visibility="hidden", reason="Skjult."),
        ),
        "compare": Case(
            "anonym",
            "borger",
            lambda w, a: s.compare(
                challenge(w, Phase.PRIORITISATION),
                a,
                left=pair(w)[0],
                right=pair(w)[1],
                choice="left",
            ),
        ),
        "start_with_mayor_question": Case(
            "borger", "administrator", lambda w, a: s.start_with_mayor_question(w.movement, a)
        ),
    }


def _municipalities() -> dict[str, Case]:
    from samskab.municipalities import services as s

    return {
        "open_movement": Case(
            "borger",
            "administrator",
            lambda w, a: s.open_movement(w.municipality, a, title="Bevægelsen"),
            setup=lambda w: type(w.movement).objects.filter(pk=w.movement.pk).delete(),
        ),
        "create_space": Case(
            "borger", "administrator", lambda w, a: s.create_space(w.movement, a, title="Nyt rum")
        ),
        "invite_to_space": Case(
            "borger",
            "administrator",
            lambda w, a: s.invite_to_space(
                w.spaces["Styregruppen for samskabelse"], a, email="deltager-1@demo.samskab.dk"
            ),
        ),
    }


def _opinions() -> dict[str, Case]:
    from samskab.opinions import services as s
    from samskab.opinions.models import Conversation, Statement

    def conversation(w: World) -> Conversation:
        return _first(Conversation, is_open=True)

    return {
        "create_conversation": Case(
            "borger",
            "facilitator",
            lambda w, a: s.create_conversation(
                conversation(w).space, a, title="Ny samtale", question="Hvad mener du?"
            ),
        ),
        "set_open": Case(
            "borger", "facilitator", lambda w, a: s.set_open(conversation(w), a, is_open=False)
        ),
        "close_conversation": Case(
            "borger", "facilitator", lambda w, a: s.close_conversation(conversation(w), a)
        ),
        "open_conversation": Case(
            "borger",
            "facilitator",
            lambda w, a: s.open_conversation(w.prepared, a),
            setup=lambda w: s.close_conversation(conversation(w), w.people["facilitator"]),
        ),
        "add_statement": Case(
            "anonym",
            "borger",
            lambda w, a: s.add_statement(conversation(w), a, text="Et helt nyt udsagn her."),
        ),
        "moderate_statement": Case(
            "borger",
            "moderator",
            lambda w, a: s.moderate_statement(
                _first(Statement, conversation=conversation(w)), a, state=-1
            ),
        ),
        "cast_vote": Case(
            "anonym",
            "borger",
            lambda w, a: s.cast_vote(
                conversation(w),
                s.votable_statements(conversation(w)).first(),
                a,
                value=1,
            ),
        ),
    }


def _complexity() -> dict[str, Case]:
    from samskab.challenges.models import Challenge
    from samskab.complexity import services as s
    from samskab.complexity.models import AssessmentRound

    def open_round(w: World) -> AssessmentRound:
        return _first(AssessmentRound, is_open=True)

    return {
        "set_thresholds": Case(
            "borger",
            "administrator",
            lambda w, a: s.set_thresholds(w.municipality, a, high=0.7, low=0.3, chaos=0.2),
        ),
        "open_round": Case(
            "borger",
            "facilitator",
            lambda w, a: s.open_round(_first(Challenge, status="published"), a),
        ),
        "set_round_open": Case(
            "borger", "facilitator", lambda w, a: s.set_round_open(open_round(w), a, is_open=False)
        ),
        "rate": Case(
            "anonym",
            "borger",
            lambda w, a: s.rate(open_round(w), a, agreement=2, certainty=4, role=Role.CITIZEN),
        ),
    }


def _reflection() -> dict[str, Case]:
    from samskab.reflection import services as s
    from samskab.reflection.models import Entry, Learning, Room, Session

    def room(w: World) -> Room:
        return _first(Room, title="Ledelse i samskabelse")

    def session(w: World) -> Session:
        return _first(Session, room=room(w), is_open=True)

    def learning(w: World) -> Learning:
        return _first(Learning)

    return {
        "save_template": Case(
            "borger",
            "facilitator",
            lambda w, a: s.save_template(
                w.municipality, a, key="ny", name="Ny", description="", prompts=["Hvad så du?"]
            ),
        ),
        "create_room": Case(
            "borger",
            "facilitator",
            lambda w, a: s.create_room(w.municipality, a, title="Rum", movement=w.movement),
        ),
        "invite_member": Case(
            "borger",
            "facilitator",
            lambda w, a: s.invite_member(
                room(w), a, email=w.people["virksomhed"].email, role=Role.BUSINESS
            ),
        ),
        "add_member": Case(
            "borger",
            "facilitator",
            lambda w, a: s.add_member(room(w), a, w.people["virksomhed"], role=Role.BUSINESS),
        ),
        "start_session": Case(
            "borger",
            "facilitator",
            lambda w, a: s.start_session(
                room(w), a, template=s.get_template(w.municipality, "stacey"), title="Møde"
            ),
        ),
        "set_session_open": Case(
            "borger",
            "facilitator",
            lambda w, a: s.set_session_open(session(w), a, is_open=False),
        ),
        "write_entry": Case(
            "virksomhed",
            "leder",
            lambda w, a: s.write_entry(
                session(w), a, prompt_index=0, text="Det lærte jeg.", visibility="shared"
            ),
        ),
        "share_entry": Case(
            "borger",
            "leder",
            lambda w, a: s.share_entry(
                _first(Entry, session__room=room(w), author=w.people["leder"]), a
            ),
        ),
        "create_learning": Case(
            "borger",
            "facilitator",
            lambda w, a: s.create_learning(
                w.municipality, a, title="En læring", text="Sådan gjorde vi.", room=room(w)
            ),
        ),
        "ask_consent": Case("borger", "facilitator", lambda w, a: s.ask_consent(learning(w), a)),
        "answer_consent": Case(
            "borger",
            "leder",
            lambda w, a: (
                s.answer_consent(
                    learning(w),
                    learning(w).authors.order_by("pk").first().person,
                    give=True,
                )
                if a == w.people["leder"]
                else s.answer_consent(learning(w), a, give=True)
            ),
        ),
        "publish_learning": Case(
            "borger", "facilitator", lambda w, a: s.publish_learning(learning(w), a)
        ),
        "add_learning_from": Case(
            "borger",
            "facilitator",
            lambda w, a: s.add_learning_from(
                w.municipality,
                a,
                title="Fra et eksperiment",
                text="Spørg personligt.",
                context="Et eksperiment",
                authors=[w.people["leder"]],
            ),
        ),
        "unpublish_learning": Case(
            "borger", "facilitator", lambda w, a: s.unpublish_learning(learning(w), a)
        ),
    }


def _workshops() -> dict[str, Case]:
    from samskab.challenges.models import Challenge
    from samskab.workshops import services as s
    from samskab.workshops.demo import DEMO_CODE
    from samskab.workshops.models import Activity, LiveSession

    def workshop(w: World) -> LiveSession:
        return _first(LiveSession, code=DEMO_CODE)

    def stacey(w: World) -> Activity:
        return _first(Activity, session=workshop(w), kind="stacey")

    return {
        "create_session": Case(
            "borger",
            "facilitator",
            lambda w, a: s.create_session(
                _first(Challenge, status="published"), a, title="Workshop", kinds=["stacey"]
            ),
        ),
        "move": Case("borger", "facilitator", lambda w, a: s.move(workshop(w), a, step=1)),
        "set_activity_open": Case(
            "borger",
            "facilitator",
            lambda w, a: s.set_activity_open(stacey(w), a, is_open=False),
        ),
        "set_session_open": Case(
            "borger",
            "facilitator",
            lambda w, a: s.set_session_open(workshop(w), a, is_open=False),
        ),
        "join": Case(
            "-", "borger", lambda w, a: s.join(workshop(w), a, pseudonym="Karen", role="")
        ),
        "answer": Case(
            "-",
            "borger",
            lambda w, a: s.answer(
                stacey(w),
                s.join(workshop(w), w.people["borger"], pseudonym="Karen", role="")
                if a == w.people["borger"]
                else _first(LiveSession, code=DEMO_CODE).participants.create(
                    municipality=w.municipality, person=a, pseudonym="Ude"
                ),
                {"agreement": 2, "certainty": 4},
            ),
        ),
        "forget_guests": Case(
            "-",
            "system",
            lambda w, a: s.forget_guests(days=0),
            setup=lambda w: (
                s.join(workshop(w), AnonymousUser(), pseudonym="Gæst", role=""),
                LiveSession.objects.filter(pk=workshop(w).pk).update(
                    expires_at=timezone.now() - timedelta(hours=1)
                ),
            ),
        ),
    }


def _initiatives() -> dict[str, Case]:
    from datetime import date
    from decimal import Decimal

    from django.core.files.uploadedfile import SimpleUploadedFile

    from samskab.challenges.models import Idea
    from samskab.initiatives import services as s
    from samskab.initiatives.demo import TITLE
    from samskab.initiatives.models import (
        Agreement,
        BudgetLine,
        Commitment,
        Initiative,
        Milestone,
        Partner,
    )

    def initiative(w: World) -> Initiative:
        return _first(Initiative, title=TITLE)

    def partner(w: World, key: str) -> Partner:
        return _first(Partner, initiative=initiative(w), organisation=w.organisations[key])

    def commitment(w: World, kind: str, key: str) -> Commitment:
        return _first(Commitment, partner=partner(w, key), kind=kind)

    def line(w: World) -> BudgetLine:
        return _first(BudgetLine, initiative=initiative(w))

    def agreement(w: World) -> Agreement:
        return s.save_agreement(
            partner(w, "business"),
            w.people["facilitator"],
            purpose="Transport",
            starts_on=date(2026, 1, 1),
        )

    return {
        "create_initiative": Case(
            "borger",
            "facilitator",
            lambda w, a: s.create_initiative(
                a, space=w.spaces["Ensomhed blandt ældre"], title="Et nyt initiativ"
            ),
        ),
        "update_initiative": Case(
            "borger",
            "facilitator",
            lambda w, a: s.update_initiative(
                initiative(w),
                a,
                title="Ny titel",
                purpose="",
                target_group="",
                starts_on=None,
                ends_on=None,
            ),
        ),
        "set_status": Case(
            "borger",
            "facilitator",
            lambda w, a: s.set_status(initiative(w), a, status="advanced"),
        ),
        "link_idea": Case(
            "borger",
            "facilitator",
            lambda w, a: s.link_idea(
                initiative(w), a, _first(Idea, title="Gå-makkere fra nabolaget")
            ),
        ),
        "add_milestone": Case(
            "borger",
            "facilitator",
            lambda w, a: s.add_milestone(initiative(w), a, title="Ny", due_on=date(2026, 6, 1)),
        ),
        "reach_milestone": Case(
            "borger",
            "facilitator",
            lambda w, a: s.reach_milestone(
                _first(Milestone, initiative=initiative(w), reached_on__isnull=True),
                a,
                reached_on=date(2026, 1, 1),
            ),
        ),
        "add_document": Case(
            "borger",
            "facilitator",
            lambda w, a: s.add_document(
                initiative(w), a, title="Referat", file=SimpleUploadedFile("r.txt", b"Referat")
            ),
        ),
        "add_partner": Case(
            "borger",
            "facilitator",
            lambda w, a: s.add_partner(
                initiative(w),
                a,
                organisation=w.organisations["youth"],
                contact=w.people["medarbejder"],
            ),
        ),
        "save_agreement": Case(
            "borger",
            "facilitator",
            lambda w, a: s.save_agreement(
                partner(w, "business"), a, purpose="Transport", starts_on=date(2026, 1, 1)
            ),
        ),
        "sign_agreement": Case(
            "borger",
            "virksomhed",
            lambda w, a: s.sign_agreement(w.prepared, a, side="partner"),
            setup=agreement,
        ),
        "set_part": Case(
            "borger",
            "facilitator",
            lambda w, a: s.set_part(
                initiative(w),
                a,
                title="Ny del",
                assignments={partner(w, "business"): "responsible"},
            ),
        ),
        "add_budget_line": Case(
            "borger",
            "facilitator",
            lambda w, a: s.add_budget_line(
                initiative(w), a, title="Kaffe", amount=Decimal("500.00")
            ),
        ),
        "approve_budget_line": Case(
            "facilitator",
            "leder",
            lambda w, a: s.approve_budget_line(w.prepared, a),
            setup=lambda w: s.add_budget_line(
                initiative(w), w.people["facilitator"], title="Kaffe", amount=Decimal("500.00")
            ),
        ),
        "commit": Case(
            "forening",
            "virksomhed",
            lambda w, a: s.commit(
                initiative(w),
                a,
                partner=partner(w, "business"),
                kind="money",
                quantity=Decimal("1000.00"),
                budget_line=line(w),
            ),
        ),
        "correct_commitment": Case(
            "forening",
            "virksomhed",
            lambda w, a: s.correct_commitment(
                commitment(w, "money", "business"), a, quantity=Decimal("9000.00"), reason="Mindre"
            ),
        ),
        "record_actual": Case(
            "forening",
            "virksomhed",
            lambda w, a: s.record_actual(
                commitment(w, "money", "business"), a, quantity=Decimal("2500.00")
            ),
        ),
        "withdraw_commitment": Case(
            "forening",
            "virksomhed",
            lambda w, a: s.withdraw_commitment(
                commitment(w, "money", "business"), a, reason="Ikke længere"
            ),
        ),
        # The association's chair committed its hours, so she may not sign them off herself.
        "sign_off_commitment": Case(
            "forening",
            "leder",
            lambda w, a: s.sign_off_commitment(commitment(w, "hours", "association"), a),
        ),
    }


def _experiments() -> dict[str, Case]:
    from samskab.experiments import services as s
    from samskab.experiments.models import Experiment

    def experiment(w: World) -> Experiment:
        return _first(Experiment, municipality=w.municipality)

    def design(w: World, a: Any) -> Experiment:
        return s.design_experiment(
            experiment(w).initiative,
            a,
            title="Nyt forsøg",
            hypothesis="Hvis vi spørger, kommer de.",
            signals="Hvor mange kommer.",
            amplify_when="Mange kommer.",
            dampen_when="Få kommer.",
            stop_when="Ingen kommer.",
            review_on=timezone.localdate() + timedelta(days=7),
            zone=4,
        )

    def update(w: World, a: Any) -> Experiment:
        fresh = w.prepared
        return s.update_experiment(
            fresh,
            a,
            title="Nyt navn",
            hypothesis=fresh.hypothesis,
            signals=fresh.signals,
            amplify_when=fresh.amplify_when,
            dampen_when=fresh.dampen_when,
            stop_when=fresh.stop_when,
            review_on=fresh.review_on,
            zone=3,
        )

    return {
        "design_experiment": Case("borger", "facilitator", design),
        "update_experiment": Case(
            "borger", "facilitator", update, setup=lambda w: design(w, w.people["facilitator"])
        ),
        "review_experiment": Case(
            "borger",
            "facilitator",
            lambda w, a: s.review_experiment(
                experiment(w), a, decision="stop", sensed="Ingen kom."
            ),
        ),
        "publish_learning": Case(
            "borger", "facilitator", lambda w, a: s.publish_learning(experiment(w), a)
        ),
        "import_experiment": Case(
            "borger",
            "facilitator",
            lambda w, a: s.import_experiment(
                experiment(w).initiative,
                a,
                zone=4,
                review_on=None,
                status="stopped",
                outcome="Det virkede.",
                learning="Spørg først.",
                title="Fra en fil",
                hypothesis="Hvis vi spørger, kommer de.",
                signals="Hvor mange kommer.",
                amplify_when="Mange kommer.",
                dampen_when="Få kommer.",
                stop_when="Ingen kommer.",
            ),
        ),
    }


def _notifications() -> dict[str, Case]:
    from samskab.notifications import services as s

    return {
        "save_preferences": Case(
            "medarbejder",
            "borger",
            lambda w, a: s.save_preferences(
                w.people["borger"], a, replies=True, moderation=True, status=False, digest=False
            ),
        ),
        "unsubscribe": Case(
            "-", "system", lambda w, a: s.unsubscribe(w.people["borger"].pk, "digest")
        ),
        "mark_read": Case(
            "medarbejder",
            "borger",
            lambda w, a: s.mark_read(w.people["borger"], a),
            setup=lambda w: s.notify(w.people["borger"], "status", "Nyt", "Der er nyt."),
        ),
    }


def _landscape() -> dict[str, Case]:
    from samskab.landscape import services as s

    def period(w: World) -> tuple[Any, Any]:
        return s.default_period(timezone.localdate())

    return {
        "request_refresh": Case(
            "borger",
            "administrator",
            lambda w, a: s.request_refresh(a, w.municipality, *period(w)),
        ),
    }


def _reports() -> dict[str, Case]:
    from samskab.challenges.models import Challenge
    from samskab.reports import services as s

    def report(w: World) -> Any:
        return s.report_for(_first(Challenge, status="published", space__visibility="public"))

    return {
        "edit_report": Case(
            "borger", "facilitator", lambda w, a: s.edit_report(report(w), a, summary="Kort.")
        ),
        "send_to_committee": Case(
            "borger", "facilitator", lambda w, a: s.send_to_committee(report(w), a)
        ),
        "start_new_draft": Case(
            "borger",
            "facilitator",
            lambda w, a: s.start_new_draft(report(w), a),
            setup=lambda w: s.send_to_committee(report(w), w.people["facilitator"]),
        ),
    }


CASES: dict[str, dict[str, Case]] = {
    "challenges": _challenges(),
    "municipalities": _municipalities(),
    "opinions": _opinions(),
    "complexity": _complexity(),
    "reflection": _reflection(),
    "workshops": _workshops(),
    "notifications": _notifications(),
    "initiatives": _initiatives(),
    "experiments": _experiments(),
    "landscape": _landscape(),
    "reports": _reports(),
}


def _public_functions() -> list[str]:
    names = []
    for app in APPS:
        module = importlib.import_module(f"samskab.{app}.services")
        for name, obj in inspect.getmembers(module, inspect.isfunction):
            if obj.__module__ == module.__name__ and not name.startswith("_"):
                names.append(f"{app}.{name}")
    return names


def test_every_public_service_function_is_in_the_matrix():
    written = {f"{app}.{name}" for app, cases in CASES.items() for name in cases}
    unknown = [n for n in _public_functions() if n not in written and n not in NOT_A_PERSONS_WRITE]
    assert not unknown, f"say who may call these, in CASES or NOT_A_PERSONS_WRITE: {unknown}"
    gone = [n for n in written | set(NOT_A_PERSONS_WRITE) if n not in _public_functions()]
    assert not gone, f"no longer services: {gone}"


class _Rollback(Exception):
    pass


def _audit_count() -> int:
    # A vote's audit record is its history row (VoteEvent: never changed or deleted), not a
    # second row per vote on the hot path (issue 13, README "Many processes").
    from samskab.opinions.models import VoteEvent

    with scopes_disabled():
        return AuditEvent.objects.count() + VoteEvent.objects.count()


def _attempt(world: World, case: Case, actor: Any) -> tuple[Exception | None, int]:
    """Run one call in a savepoint that is rolled back; return what it raised and how many
    audit rows it wrote."""
    outcome: list[Any] = [None, 0]
    try:
        with transaction.atomic():
            if case.setup is not None:
                with scope(municipality=world.municipality):
                    world.prepared = case.setup(world)
            before = _audit_count()
            try:
                with scope(municipality=world.municipality):
                    case.call(world, actor)
            except (ServiceError, PermissionDenied) as exc:
                outcome[0] = exc
            outcome[1] = _audit_count() - before
            raise _Rollback
    except _Rollback:
        pass
    return outcome[0], outcome[1]


def test_every_write_refuses_the_wrong_person_and_audits_the_right_one(kommuner, settings):
    settings.TASKS_BACKEND = "immediate"
    demo = load_demo()
    with scopes_disabled():
        from samskab.municipalities.models import Municipality

        elsewhere = make_person("admin@aarhus.test", "Admin i Aarhus")
        give_role(elsewhere, Municipality.objects.get(code="0751"), Role.ADMINISTRATOR)
    people: dict[str, Any] = {str(role): person for role, person in demo.people.items()}
    people["udefra"] = elsewhere
    people["anonym"] = AnonymousUser()
    people["system"] = None
    world = World(demo, people)
    failures: list[str] = []
    for app, cases in CASES.items():
        for name, case in cases.items():
            label = f"{app}.{name}"
            if case.refused != "-":  # "-": no person's right applies (a token, the system)
                error, audited = _attempt(world, case, people[case.refused])
                if error is None:
                    failures.append(f"{label}: {case.refused} was not refused")
                elif audited:
                    failures.append(f"{label}: refused ({error}), yet wrote {audited} audit rows")
            error, audited = _attempt(world, case, people[case.allowed])
            if error is not None:
                failures.append(f"{label}: {case.allowed} was refused: {error}")
            elif not audited:
                failures.append(f"{label}: done by {case.allowed} without an audit event")
    assert not failures, "\n".join(failures)
