"""The initiatives services through the real database: each use case, and each bad input refused
with a Danish message and nothing stored."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Model
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from samskab.challenges import services as challenge_services
from samskab.challenges.models import Idea
from samskab.core.models import AuditEvent
from samskab.demo.content import load_demo
from samskab.initiatives import services
from samskab.initiatives.models import (
    Agreement,
    Assignment,
    BudgetLine,
    Commitment,
    CommitmentEntry,
    Document,
    Initiative,
    InitiativeIdea,
    Milestone,
    Partner,
    Status,
    Update,
    WorkPart,
)
from samskab.initiatives.personal_data import export
from samskab.initiatives.services import ServiceError

pytestmark = pytest.mark.django_db

HOURS_RULE = "Erstatningsværdien af lignende arbejde"


def counts() -> dict[str, int]:
    models: list[type[Model]] = [
        Initiative,
        InitiativeIdea,
        Update,
        Milestone,
        Document,
        Partner,
        Agreement,
        WorkPart,
        Assignment,
        BudgetLine,
        Commitment,
        CommitmentEntry,
        AuditEvent,
    ]
    with scopes_disabled():
        return {m.__name__: m.objects.count() for m in models}  # type: ignore[attr-defined]


def refused(call, match: str | None = None) -> str:
    before = counts()
    with pytest.raises(ServiceError, match=match) as caught:
        call()
    assert counts() == before, "a refused call stored something"
    return str(caught.value)


# --- initiatives and the feedback loop ---------------------------------------------------------


def test_initiative_from_an_idea_tells_its_author_and_supporters(
    in_town, django_capture_on_commit_callbacks
):
    w = in_town
    with django_capture_on_commit_callbacks(execute=True):
        initiative = services.create_initiative(
            w.facilitator,
            space=w.town.public_space,
            title="Fællesspisning i forsamlingshuset",
            challenge=w.challenge,
            ideas=[w.idea],
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
        )
    assert sorted(m.to[0] for m in mail.outbox) == [w.author.email, w.supporter.email]
    link = f"/initiativer/{initiative.pk}/"
    assert all(link in m.body and m.body.count("http") >= 2 for m in mail.outbox)
    english = next(m for m in mail.outbox if m.to == [w.author.email])
    with translation.override("en"):  # the author reads English (once the PO is merged)
        expected = _("Din idé bliver til et initiativ: %(title)s") % {"title": initiative.title}
    assert english.subject == expected
    assert services.initiatives_for_idea(w.author, w.idea) == [initiative]
    assert initiative in services.initiatives_for_challenge(w.citizen, w.challenge)
    assert [i.kind for i in services.timeline(initiative)] == ["update"]


def test_status_change_notifies_and_uses_the_default_progress(
    in_town, django_capture_on_commit_callbacks
):
    w = in_town
    services.link_idea(w.initiative, w.facilitator, w.idea)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        update = services.set_status(
            w.initiative, w.facilitator, status=Status.STARTED, note="Vi er i gang."
        )
    assert update.progress == 25 == Initiative.objects.get(pk=w.initiative.pk).progress
    assert len(mail.outbox) == 2
    assert any("Vi er i gang." in m.body for m in mail.outbox)
    paused = services.set_status(w.initiative, w.facilitator, status=Status.PAUSED)
    assert paused.progress == 25  # paused keeps where it got to
    done = services.set_status(w.initiative, w.facilitator, status=Status.DONE)
    assert done.progress == 100
    assert [i.obj.status for i in services.timeline(w.initiative)][:3] == [
        "done",
        "paused",
        "started",
    ]


def test_a_parents_progress_is_the_weighted_mean_of_its_children(in_town):
    w = in_town
    make = lambda title: services.create_initiative(  # noqa: E731
        w.facilitator, space=w.town.public_space, title=title, parent=w.initiative
    )
    a, b = make("Del A"), make("Del B")
    services.update_initiative(
        b,
        w.facilitator,
        title="Del B",
        purpose="",
        target_group="",
        starts_on=None,
        ends_on=None,
        weight=Decimal("3"),
    )
    services.set_status(a, w.facilitator, status=Status.DONE)  # 100, weight 1
    services.set_status(b, w.facilitator, status=Status.STARTED)  # 25, weight 3
    w.initiative.refresh_from_db()
    assert w.initiative.progress == 44  # (100 + 75) / 4 = 43.75


def test_bad_initiative_input_is_refused(in_town):
    w = in_town
    create = services.create_initiative
    space = w.town.public_space
    assert "Slutdatoen" in refused(
        lambda: create(
            w.facilitator,
            space=space,
            title="X",
            starts_on=date(2026, 5, 1),
            ends_on=date(2026, 4, 1),
        )
    )
    refused(lambda: create(w.facilitator, space=space, title="  "), "titel")
    refused(lambda: create(w.citizen, space=space, title="Borgerens"), "ikke oprette")
    refused(lambda: create(w.other.owner, space=space, title="Udefra"), "ikke oprette")
    refused(lambda: create(w.facilitator, space=w.other.public_space, title="Andet sted"))
    refused(
        lambda: services.set_status(w.initiative, w.facilitator, status="flying"), "Ukendt status"
    )
    refused(
        lambda: services.set_status(w.initiative, w.facilitator, status="started", progress=101)
    )
    with scope(municipality=w.other.municipality):
        foreign = Idea.objects.create(
            municipality=w.other.municipality,
            challenge=challenge_services.pose_challenge(
                w.other.public_space, w.other.owner, title="Aarhus", description=""
            ),
            author=w.other.owner,
            title="Idé i Aarhus",
            body="…",
        )
    refused(lambda: services.link_idea(w.initiative, w.facilitator, foreign), "Idéen")
    refused(lambda: create(w.facilitator, space=space, title="X", ideas=[foreign]), "Idéen")


def test_the_poser_may_create_from_their_own_challenge_only(in_town):
    w = in_town
    mine = services.create_initiative(
        w.poser, space=w.town.public_space, title="Min", challenge=w.challenge
    )
    assert mine.created_by == w.poser
    refused(lambda: services.create_initiative(w.poser, space=w.town.public_space, title="Fri"))


# --- milestones, documents -----------------------------------------------------------------------


def test_milestones_and_documents(in_town):
    w = in_town
    m = services.add_milestone(
        w.initiative, w.facilitator, title="Første spisning", due_on=date(2026, 3, 1)
    )
    refused(
        lambda: services.reach_milestone(
            m, w.facilitator, reached_on=timezone.localdate() + timedelta(days=2)
        )
    )
    services.reach_milestone(m, w.facilitator, reached_on=timezone.localdate())
    doc = services.add_document(
        w.initiative,
        w.facilitator,
        title="Referat",
        file=SimpleUploadedFile("referat.pdf", b"%PDF-1.4 x"),
        milestone=m,
    )
    assert list(m.documents.all()) == [doc]
    refused(
        lambda: services.add_document(
            w.initiative, w.facilitator, title="Virus", file=SimpleUploadedFile("x.exe", b"MZ")
        ),
        "pdf",
    )
    big = SimpleUploadedFile("stor.pdf", b"0" * (10 * 1024 * 1024 + 1))
    refused(
        lambda: services.add_document(w.initiative, w.facilitator, title="Stor", file=big), "10 MB"
    )
    # The contact of a partner that is ansvarlig for a part may edit milestones; others not.
    refused(
        lambda: services.add_milestone(w.initiative, w.chair, title="M", due_on=date(2026, 4, 1))
    )
    services.set_part(w.initiative, w.facilitator, title="Mad", assignments={w.club: "responsible"})
    services.add_milestone(w.initiative, w.chair, title="M", due_on=date(2026, 4, 1))


# --- partners, agreements, parts -----------------------------------------------------------------


def test_partners(in_town):
    w = in_town
    assert w.municipal.is_municipal and not w.club.is_municipal
    refused(
        lambda: services.add_partner(
            w.initiative, w.facilitator, organisation=w.foreign_org, contact=w.chair
        ),
        "kommunen",
    )
    refused(
        lambda: services.add_partner(
            w.initiative, w.facilitator, organisation=w.association, contact=w.chair
        ),
        "allerede",
    )
    refused(
        lambda: services.add_partner(
            w.initiative, w.chair, organisation=None, person=w.citizen, contact=w.citizen
        )
    )
    solo = services.add_partner(w.initiative, w.facilitator, person=w.citizen, contact=w.citizen)
    assert solo.person == w.citizen and solo.organisation is None


def test_agreement_signing_and_versions(in_town):
    w = in_town
    fields = {"purpose": "Fællesspisning", "starts_on": date(2026, 1, 1)}
    agreement = services.save_agreement(w.club, w.facilitator, **fields)
    refused(lambda: services.sign_agreement(agreement, w.chair, side="municipality"))
    refused(lambda: services.sign_agreement(agreement, w.owner, side="partner"))
    refused(lambda: services.sign_agreement(agreement, w.leader, side="nobody"))
    services.sign_agreement(agreement, w.leader, side="municipality")
    services.sign_agreement(agreement, w.chair, side="partner")
    refused(lambda: services.sign_agreement(agreement, w.leader, side="municipality"), "allerede")
    agreement.refresh_from_db()
    assert agreement.version == 1 and agreement.signed_for_partner_by == w.chair
    same = services.save_agreement(w.club, w.facilitator, **fields)
    assert same.version == 1 and same.signed_for_municipality_by == w.leader
    changed = services.save_agreement(
        w.club, w.facilitator, **fields, tasks="Foreningen laver maden"
    )
    assert changed.version == 2 and changed.signed_for_municipality_by is None
    assert changed.signed_for_partner_at is None
    refused(
        lambda: services.save_agreement(
            w.club, w.facilitator, purpose="X", starts_on=date(2026, 2, 1), ends_on=date(2026, 1, 1)
        ),
        "Slutdatoen",
    )
    children = services.save_agreement(w.club, w.facilitator, **fields, works_with_children=True)
    refused(lambda: services.sign_agreement(children, w.leader, side="municipality"), "børneattest")
    checked = services.save_agreement(
        w.club, w.facilitator, **fields, works_with_children=True, child_certificates_checked=True
    )
    services.sign_agreement(checked, w.leader, side="municipality")


def test_a_part_has_exactly_one_ansvarlig(in_town):
    w = in_town
    refused(
        lambda: services.set_part(
            w.initiative, w.facilitator, title="Mad", assignments={w.club: "contributor"}
        ),
        "én ansvarlig",
    )
    refused(
        lambda: services.set_part(
            w.initiative,
            w.facilitator,
            title="Mad",
            assignments={w.club: "responsible", w.firm: "responsible"},
        ),
        "kun have én",
    )
    part = services.set_part(
        w.initiative,
        w.facilitator,
        title="Mad",
        assignments={w.club: "responsible", w.firm: "informed"},
    )
    services.set_part(
        w.initiative, w.facilitator, title="Maden", part=part, assignments={w.firm: "responsible"}
    )
    assert [(a.partner, a.role) for a in part.assignments.all()] == [(w.firm, "responsible")]


# --- budget and commitments ----------------------------------------------------------------------


def test_commitments_history_and_economy(in_town):
    w = in_town
    line = services.add_budget_line(
        w.initiative, w.facilitator, title="Råvarer", amount=Decimal("60000.00")
    )
    refused(lambda: services.approve_budget_line(line, w.facilitator), "ledere")
    services.approve_budget_line(line, w.leader)
    money = services.commit(
        w.initiative,
        w.clerk,
        partner=w.municipal,
        kind="money",
        quantity=Decimal("45000.00"),
        budget_line=line,
    )
    hours = services.commit(
        w.initiative,
        w.chair,
        partner=w.club,
        kind="hours",
        quantity=Decimal("7.5"),
        hour_rate=Decimal("185.33"),
        valuation_rule=HOURS_RULE,
    )
    services.correct_commitment(
        money, w.clerk, quantity=Decimal("40000.00"), reason="Mindre budget"
    )
    services.record_actual(money, w.clerk, quantity=Decimal("12000.50"))
    services.record_actual(hours, w.chair, quantity=Decimal("3"))
    refused(lambda: services.sign_off_commitment(money, w.clerk))
    services.sign_off_commitment(money, w.leader)
    refused(lambda: services.sign_off_commitment(money, w.leader), "allerede")
    e = services.economy(w.initiative)
    assert e.budget == Decimal("60000.00")
    assert e.committed == Decimal("40000.00") + Decimal("1389.98")  # 7.5 × 185.33 = 1389.975
    assert e.spent == Decimal("12000.50") + Decimal("555.99")
    assert e.gap == Decimal("60000.00") - e.committed
    assert e.municipal == Decimal("40000.00") and e.external == Decimal("1389.98")
    assert e.unassigned.committed == Decimal("1389.98")
    assert e.valuation_rules == {"hours": (HOURS_RULE,)}
    history = services.commitment_history(money)
    assert [h.action for h in history] == ["committed", "corrected", "actual", "signed_off"]
    assert history[0].planned_value == Decimal("45000.00")  # nothing was edited
    services.withdraw_commitment(hours, w.chair, reason="Ingen frivillige")
    refused(lambda: services.record_actual(hours, w.chair, quantity=Decimal("1")), "trukket")
    assert services.economy(w.initiative).committed == Decimal("40000.00")
    items = services.timeline(w.initiative)
    assert "sign_off" in [i.kind for i in items]


@pytest.mark.parametrize(
    ("kind", "quantity", "rate", "message"),
    [
        ("money", Decimal("-5"), None, "større end 0"),
        ("money", Decimal("0"), None, "større end 0"),
        ("money", Decimal("1000000000.01"), None, "1 mia"),
        ("money", Decimal("10.005"), None, "to decimaler"),
        ("money", "tusind", None, "kroner"),
        ("money", Decimal("1e20"), None, "alt for stort"),
        ("money", Decimal("NaN"), None, "kroner"),
        ("money", 12.5, None, "kroner"),
        ("hours", Decimal("10"), Decimal("0.50"), "1,00 og 10.000,00"),
        ("hours", Decimal("10"), Decimal("0"), "Timeprisen"),
        ("hours", Decimal("10"), Decimal("100000"), "Timeprisen"),
        ("hours", Decimal("10"), None, "timepris"),
        ("hours", Decimal("0"), Decimal("200"), "større end 0"),
        ("hours", Decimal("2000000"), Decimal("200"), "timer"),
        ("teleport", Decimal("10"), None, "Vælg"),
    ],
)
def test_bad_amounts_are_refused(in_town, kind, quantity, rate, message):
    w = in_town
    refused(
        lambda: services.commit(
            w.initiative,
            w.chair,
            partner=w.club,
            kind=kind,
            quantity=quantity,
            hour_rate=rate,
            valuation_rule=HOURS_RULE,
        ),
        message,
    )


def test_float_is_refused(in_town):
    w = in_town
    refused(lambda: services.add_budget_line(w.initiative, w.facilitator, title="X", amount=0.1))  # type: ignore[arg-type]
    refused(
        lambda: services.add_budget_line(
            w.initiative, w.facilitator, title="X", amount=Decimal("-1")
        )
    )


def test_commit_only_for_ones_own_organisation(in_town):
    w = in_town
    msg = refused(
        lambda: services.commit(
            w.initiative, w.chair, partner=w.firm, kind="money", quantity=Decimal("10")
        )
    )
    assert "tilknyttet" in msg
    refused(
        lambda: services.commit(
            w.initiative, w.facilitator, partner=w.firm, kind="money", quantity=Decimal("10")
        )
    )
    refused(
        lambda: services.commit(
            w.initiative, w.other.owner, partner=w.firm, kind="money", quantity=Decimal("10")
        )
    )
    refused(
        lambda: services.commit(
            w.initiative, w.owner, partner=w.firm, kind="premises", quantity=Decimal("10")
        ),
        "værdien",
    )
    other = services.create_initiative(w.facilitator, space=w.town.public_space, title="Andet")
    refused(
        lambda: services.commit(
            other, w.owner, partner=w.firm, kind="money", quantity=Decimal("10")
        ),
        "Partneren",
    )
    foreign_line = services.add_budget_line(
        other, w.facilitator, title="Andet", amount=Decimal("10")
    )
    refused(
        lambda: services.commit(
            w.initiative,
            w.owner,
            partner=w.firm,
            kind="money",
            quantity=Decimal("10"),
            budget_line=foreign_line,
        ),
        "Budgetposten",
    )
    c = services.commit(w.initiative, w.owner, partner=w.firm, kind="money", quantity=Decimal("10"))
    refused(lambda: services.correct_commitment(c, w.chair, quantity=Decimal("5"), reason="Nej"))
    refused(
        lambda: services.correct_commitment(c, w.owner, quantity=Decimal("5"), reason=" "),
        "hvorfor",
    )


def test_person_partner_commits_for_themself(in_town):
    w = in_town
    solo = services.add_partner(w.initiative, w.facilitator, person=w.citizen, contact=w.citizen)
    c = services.commit(
        w.initiative,
        w.citizen,
        partner=solo,
        kind="hours",
        quantity=Decimal("10"),
        hour_rate=Decimal("150"),
        valuation_rule=HOURS_RULE,
    )
    assert services.economy(w.initiative).per_partner[solo.pk].committed == Decimal("1500.00")
    services.correct_commitment(
        c, w.citizen, quantity=Decimal("10"), reason="Ny takst", hour_rate=Decimal("160.50")
    )
    assert services.economy(w.initiative).committed == Decimal("1605.00")


def test_economies_are_query_flat(in_town, django_assert_max_num_queries):
    w = in_town
    made = []
    for n in range(12):
        i = services.create_initiative(w.facilitator, space=w.town.public_space, title=f"I{n}")
        p = services.add_partner(i, w.facilitator, organisation=w.association, contact=w.chair)
        services.add_budget_line(i, w.facilitator, title="L", amount=Decimal("100.00"))
        services.commit(i, w.chair, partner=p, kind="money", quantity=Decimal("10.01"))
        made.append(i)
    with django_assert_max_num_queries(2):
        found = services.economies(made)
    assert all(
        e.committed == Decimal("10.01") and e.gap == Decimal("89.99") for e in found.values()
    )
    with django_assert_max_num_queries(3):
        services.economies(Initiative.objects.filter(pk__in=[i.pk for i in made]))
    with django_assert_max_num_queries(2):
        services.economy(made[0])


def test_visibility_follows_the_space(in_town):
    w = in_town
    hidden = services.create_initiative(w.facilitator, space=w.town.staff_space, title="Internt")
    assert hidden in services.initiatives_for(w.clerk, w.municipality)
    assert hidden not in services.initiatives_for(w.citizen, w.municipality)
    assert w.initiative in services.initiatives_for(w.citizen, w.municipality)
    from django.contrib.auth.models import AnonymousUser
    from django.http import Http404

    with pytest.raises(Http404):
        services.get_initiative_or_404(AnonymousUser(), w.municipality, hidden.pk)
    with pytest.raises(Http404):
        services.get_initiative_or_404(w.other.owner, w.other.municipality, w.initiative.pk)
    assert (
        services.get_initiative_or_404(AnonymousUser(), w.municipality, w.initiative.pk)
        == w.initiative
    )


def test_personal_data_export(in_town):
    w = in_town
    services.commit(w.initiative, w.chair, partner=w.club, kind="money", quantity=Decimal("10"))
    with scopes_disabled():
        data = export(w.chair)
    assert len(data["commitments"]) == 1 and data["commitment_entries"][0]["action"] == "committed"
    assert data["partnerships"]


def test_demo_is_complete_and_idempotent(kommuner):
    demo = load_demo()
    with scope(municipality=demo.municipality):
        initiative = Initiative.objects.get(title="Spisefællesskaber i forsamlingshusene")
        before = counts()
        e = services.economy(initiative)
        assert initiative.partners.count() == 3
        assert {p.organisation.kind for p in initiative.partners.all()} == {
            "department",
            "association",
            "business",
        }
        assert e.budget == Decimal("84000.00")
        # 45,000 kr. + 64 hours at 185 kr. + premises at 12,000 + 10,000 kr.: 5,160 kr. short.
        assert e.committed == Decimal("78840.00")
        assert e.gap == Decimal("5160.00")
        assert e.spent == Decimal("15250.50")
        assert set(e.valuation_rules) == {"hours", "premises"}
        agreement = Agreement.objects.get(partner__initiative=initiative)
        assert agreement.signed_for_municipality_at and agreement.signed_for_partner_at
        assert initiative.idea_links.count() == 1
        assert len(services.timeline(initiative)) >= 4
    load_demo()
    assert counts() == before


def test_the_admin_cannot_change_the_history(rf, in_town):
    from django.contrib.admin.sites import site

    request = rf.get("/")
    request.user = in_town.town.owner
    for model in (CommitmentEntry, Commitment, Agreement):
        admin = site._registry[model]
        assert not admin.has_add_permission(request)
        assert not admin.has_change_permission(request)
        assert not admin.has_delete_permission(request)


def test_a_partner_uploads_evidence_for_its_commitment(in_town):
    w = in_town
    receipt = services.add_document(
        w.initiative, w.chair, title="Kvittering", file=SimpleUploadedFile("k.pdf", b"%PDF-1.4")
    )
    refused(
        lambda: services.add_document(
            w.initiative, w.citizen, title="X", file=SimpleUploadedFile("k.pdf", b"%PDF")
        )
    )
    m = services.add_milestone(w.initiative, w.facilitator, title="M", due_on=date(2026, 4, 1))
    refused(
        lambda: services.add_document(
            w.initiative,
            w.chair,
            title="X",
            file=SimpleUploadedFile("k.pdf", b"%PDF"),
            milestone=m,
        )
    )
    c = services.commit(
        w.initiative,
        w.chair,
        partner=w.club,
        kind="money",
        quantity=Decimal("500"),
        evidence=receipt,
    )
    entry = services.record_actual(c, w.chair, quantity=Decimal("450"), evidence=receipt)
    assert entry.evidence == receipt == services.commitment_history(c)[0].evidence
