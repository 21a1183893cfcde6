"""The initiatives' pages: each renders, another municipality and a closed space are 404, bad
input keeps the form and stores nothing, and the economy reads in Danish kroner exactly."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_scopes import scope, scopes_disabled

from samskab.initiatives import services
from samskab.initiatives.models import (
    Agreement,
    BudgetLine,
    Commitment,
    CommitmentEntry,
    Document,
    Initiative,
    InitiativeIdea,
    Milestone,
    Partner,
    Status,
    WorkPart,
)
from samskab.initiatives.templatetags.kroner import format_kroner

pytestmark = pytest.mark.django_db

RULE = "Erstatningsværdien af lignende arbejde"


def main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def url(world, name: str, *args) -> str:
    return reverse(f"initiatives:{name}", args=[world.municipality.slug, *args])


def i_url(world, name: str, *args) -> str:
    return url(world, name, world.initiative.pk, *args)


def with_economy(world) -> dict:
    """A budget of 100.000 kr., the association commits 40 hours at 250 kr., the business
    12.345,67 kr."""
    with scope(municipality=world.municipality):
        line = services.add_budget_line(
            world.initiative, world.facilitator, title="Mad", amount=Decimal("100000.00")
        )
        hours = services.commit(
            world.initiative,
            world.chair,
            partner=world.club,
            kind="hours",
            quantity=Decimal("40"),
            hour_rate=Decimal("250.00"),
            budget_line=line,
            valuation_rule=RULE,
        )
        money = services.commit(
            world.initiative,
            world.owner,
            partner=world.firm,
            kind="money",
            quantity=Decimal("12345.67"),
        )
    return {"line": line, "hours": hours, "money": money}


def test_kroner_are_danish_and_exact():
    assert format_kroner(Decimal("12345.67")) == "12.345,67 kr."
    assert format_kroner(Decimal("1234567.5")) == "1.234.567,50 kr."
    assert format_kroner(Decimal("-87654.33")) == "-87.654,33 kr."
    assert format_kroner(Decimal("0")) == "0,00 kr."
    with pytest.raises(TypeError):
        format_kroner(12.5)  # type: ignore[arg-type]


def test_every_page_renders_for_the_facilitator(world, client):
    found = with_economy(world)
    with scope(municipality=world.municipality):
        services.save_agreement(
            world.club, world.facilitator, purpose="Fællesspisning", starts_on=date(2026, 1, 1)
        )
        milestone = services.add_milestone(
            world.initiative, world.facilitator, title="Første spisning", due_on=date(2026, 2, 1)
        )
        part = services.set_part(
            world.initiative,
            world.facilitator,
            title="Madlavning",
            assignments={world.club: "responsible", world.firm: "contributor"},
        )
    client.force_login(world.facilitator)
    pages = [
        url(world, "list"),
        url(world, "create"),
        url(world, "create") + f"?udfordring={world.challenge.pk}",
        url(world, "import"),
        i_url(world, "detail"),
        i_url(world, "edit"),
        i_url(world, "status"),
        i_url(world, "milestone_create"),
        i_url(world, "milestone_reach", milestone.pk),
        i_url(world, "document_create"),
        i_url(world, "partner_create"),
        i_url(world, "agreement", world.club.pk),
        i_url(world, "agreement_edit", world.club.pk),
        i_url(world, "part_create"),
        i_url(world, "part_edit", part.pk),
        i_url(world, "economy"),
        i_url(world, "budget_line_create"),
        i_url(world, "commitment", found["hours"].pk),
    ]
    for page in pages:
        response = client.get(page)
        assert response.status_code == 200, page
    detail = main(client.get(i_url(world, "detail")))
    assert "Madlavning" in detail and "Ansvarlig" in detail and "Bidragyder" in detail
    assert "Første spisning" in detail and "Fælles Fodslag" in detail
    assert "Chair" in detail  # the contact person's public name


def test_the_economy_view_shows_the_gap_and_the_valuation_rule(world, client):
    with_economy(world)
    client.force_login(world.citizen)
    html = main(client.get(i_url(world, "economy")))
    assert "100.000,00 kr." in html  # budget
    assert "22.345,67 kr." in html  # 40 × 250 + 12.345,67 committed
    assert "77.654,33 kr." in html  # the gap
    assert RULE in html
    assert "Der mangler tilsagn for 77.654,33 kr." in html
    # Every commitment is external here: 100 % from outside the municipality.
    assert "100,0 %" in html


def test_the_accountability_page_filters_sorts_and_totals(world, client):
    with_economy(world)
    with scope(municipality=world.municipality):
        other = services.create_initiative(
            world.facilitator, space=world.town.public_space, title="Cykelværksted"
        )
        services.set_status(other, world.facilitator, status=Status.STARTED)
        services.add_budget_line(other, world.facilitator, title="Værktøj", amount=Decimal("0.33"))
    html = main(client.get(url(world, "list")))
    assert "Spisefællesskaber" in html and "Cykelværksted" in html
    assert "100.000,33 kr." in html  # the totals row
    assert "13 % i gennemsnit" in html  # (0 + 25) / 2, rounded half up
    started = main(client.get(url(world, "list") + "?status=started"))
    assert "Cykelværksted" in started and "Spisefællesskaber" not in started
    by_title = main(client.get(url(world, "list") + "?sorter=titel"))
    assert by_title.index("Cykelværksted") < by_title.index("Spisefællesskaber")
    # A hand-edited address shows everything instead of failing.
    assert client.get(url(world, "list") + "?status=x&sorter=%00&side=-1").status_code == 200


def test_another_municipality_is_404_like_a_missing_one(world, client):
    client.force_login(world.other.owner)
    mine = i_url(world, "detail")
    theirs = mine.replace(world.municipality.slug, world.other.municipality.slug)
    missing = reverse("initiatives:detail", args=[world.municipality.slug, 999999])
    assert client.get(theirs).status_code == 404
    assert client.get(missing).status_code == 404
    for name in ("economy", "status", "partner_create", "budget_line_create"):
        path = i_url(world, name).replace(world.municipality.slug, world.other.municipality.slug)
        assert client.get(path).status_code == 404
        assert client.post(path, {}).status_code == 404


def test_a_closed_space_is_404_for_outsiders(world, client):
    with scope(municipality=world.municipality):
        hidden = services.create_initiative(
            world.town.owner, space=world.town.invite_space, title="Lukket initiativ"
        )
    path = reverse("initiatives:detail", args=[world.municipality.slug, hidden.pk])
    client.force_login(world.citizen)
    assert client.get(path).status_code == 404
    assert client.get(path + "oekonomi/").status_code == 404
    assert "Lukket initiativ" not in main(client.get(url(world, "list")))
    client.force_login(world.town.owner)
    assert client.get(path).status_code == 200


def test_a_child_of_another_initiative_is_404(world, client):
    with scope(municipality=world.municipality):
        other = services.create_initiative(
            world.facilitator, space=world.town.public_space, title="Andet"
        )
    client.force_login(world.facilitator)
    wrong = reverse(
        "initiatives:agreement", args=[world.municipality.slug, other.pk, world.club.pk]
    )
    assert client.get(wrong).status_code == 404


def test_create_from_the_challenges_ideas_links_them(world, client):
    client.force_login(world.facilitator)
    challenge_page = client.get(world.challenge.get_absolute_url())
    assert "Gør idéer til et initiativ" in main(challenge_page)
    response = client.post(
        url(world, "create") + f"?udfordring={world.challenge.pk}",
        {
            "title": "Fællesspisning i Valby",
            "purpose": "Færre spiser alene.",
            "target_group": "Ældre",
            "ideas": [str(world.idea.pk)],
            "starts_on": "2026-03-01",
            "ends_on": "2026-12-31",
        },
    )
    assert response.status_code == 302
    with scope(municipality=world.municipality):
        created = Initiative.objects.get(title="Fællesspisning i Valby")
        assert created.challenge == world.challenge
        assert InitiativeIdea.objects.filter(initiative=created, idea=world.idea).exists()
    # What became of the idea, on the challenge's page.
    html = main(client.get(world.challenge.get_absolute_url()))
    assert "Fællesspisning i Valby" in html


def test_bad_input_keeps_the_form_and_stores_nothing(world, client):
    client.force_login(world.facilitator)
    with scope(municipality=world.municipality):
        before = Initiative.objects.count()
    response = client.post(
        url(world, "create"),
        {
            "space": str(world.town.public_space.pk),
            "title": "Bagvendt",
            "starts_on": "2026-05-01",
            "ends_on": "2026-01-01",
        },
    )
    assert response.status_code == 400
    html = main(response)
    assert 'value="Bagvendt"' in html
    assert "Der er noget, du skal rette" in html
    with scope(municipality=world.municipality):
        assert Initiative.objects.count() == before


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("-5", None),
        ("0", None),
        ("1000000000,01", None),
        ("mange", "Skriv et tal, fx 1.234,50."),
        ("12,345", "Skriv højst to decimaler."),
    ],
)
def test_bad_amounts_are_refused_in_danish(world, client, amount, message):
    client.force_login(world.facilitator)
    response = client.post(i_url(world, "budget_line_create"), {"title": "Post", "amount": amount})
    assert response.status_code == 400
    html = main(response)
    assert f'value="{amount}"' in html
    assert "Der er noget, du skal rette" in html
    if message:
        assert message in html
    with scope(municipality=world.municipality):
        assert not BudgetLine.objects.exists()


def test_a_danish_amount_is_stored_exactly(world, client):
    client.force_login(world.facilitator)
    response = client.post(
        i_url(world, "budget_line_create"), {"title": "Husleje", "amount": "12.345,67"}
    )
    assert response.status_code == 302
    with scope(municipality=world.municipality):
        assert BudgetLine.objects.get().amount == Decimal("12345.67")


def test_commit_for_an_organisation_one_does_not_belong_to_is_refused(world, client):
    client.force_login(world.chair)
    page = client.get(i_url(world, "commitment_create"))
    assert page.status_code == 200
    # Only the association is offered; posting the business is not a choice.
    assert "Fjordens Cykler" not in main(page)
    response = client.post(
        i_url(world, "commitment_create"),
        {"partner": str(world.firm.pk), "kind": "money", "quantity": "100"},
    )
    assert response.status_code == 400
    with scope(municipality=world.municipality):
        assert not Commitment.objects.exists()
    # Someone who speaks for no partner cannot open the form at all.
    client.force_login(world.citizen)
    assert client.get(i_url(world, "commitment_create")).status_code == 403


def test_an_absurd_hour_rate_is_refused_and_kept(world, client):
    client.force_login(world.chair)
    response = client.post(
        i_url(world, "commitment_create"),
        {
            "partner": str(world.club.pk),
            "kind": "hours",
            "quantity": "10",
            "hour_rate": "100000",
            "valuation_rule": RULE,
        },
    )
    assert response.status_code == 400
    assert 'value="100000"' in main(response)
    with scope(municipality=world.municipality):
        assert not Commitment.objects.exists()


def test_commitment_history_is_append_only_with_who_and_why(world, client):
    found = with_economy(world)
    hours = found["hours"]
    client.force_login(world.chair)
    path = i_url(world, "commitment_correct", hours.pk)
    assert client.post(path, {"quantity": "30", "reason": ""}).status_code == 400
    response = client.post(path, {"quantity": "30", "reason": "Færre frivillige"})
    assert response.status_code == 302
    client.post(
        i_url(world, "commitment_actual", hours.pk), {"quantity": "28", "reason": "Opgjort"}
    )
    client.force_login(world.leader)
    assert client.post(i_url(world, "commitment_sign_off", hours.pk)).status_code == 302
    html = main(client.get(i_url(world, "commitment", hours.pk)))
    for text in ("Tilsagn", "Rettelse", "Faktisk forbrug", "Godkendt", "Færre frivillige"):
        assert text in html
    assert "7.500,00 kr." in html and "7.000,00 kr." in html
    with scope(municipality=world.municipality):
        assert CommitmentEntry.objects.filter(commitment=hours).count() == 4


def test_withdraw_needs_a_reason(world, client):
    found = with_economy(world)
    client.force_login(world.owner)
    path = i_url(world, "commitment_withdraw", found["money"].pk)
    assert client.post(path, {"reason": ""}).status_code == 400
    assert client.post(path, {"reason": "Budgettet blev skåret"}).status_code == 302
    html = main(client.get(i_url(world, "economy")))
    assert "Trukket tilbage" in html
    assert "90.000,00 kr." in html  # the gap grew back


def test_a_part_needs_exactly_one_responsible(world, client):
    client.force_login(world.facilitator)
    path = i_url(world, "part_create")
    none = client.post(path, {"title": "Indkøb", f"role_{world.club.pk}": "contributor"})
    assert none.status_code == 400
    assert 'value="Indkøb"' in main(none)
    two = client.post(
        path,
        {
            "title": "Indkøb",
            f"role_{world.club.pk}": "responsible",
            f"role_{world.firm.pk}": "responsible",
        },
    )
    assert two.status_code == 400
    with scope(municipality=world.municipality):
        assert not WorkPart.objects.exists()
    ok = client.post(path, {"title": "Indkøb", f"role_{world.club.pk}": "responsible"})
    assert ok.status_code == 302


def test_agreement_is_printable_with_signatures(world, client):
    client.force_login(world.facilitator)
    response = client.post(
        i_url(world, "agreement_edit", world.club.pk),
        {
            "purpose": "Fællesspisning hver torsdag",
            "starts_on": "2026-01-01",
            "works_with_children": "on",
            "child_certificates_checked": "on",
            "tasks": "Foreningen laver mad.",
        },
    )
    assert response.status_code == 302
    client.force_login(world.leader)
    client.post(i_url(world, "agreement_sign", world.club.pk), {"side": "municipality"})
    client.force_login(world.chair)
    client.post(i_url(world, "agreement_sign", world.club.pk), {"side": "partner"})
    page = client.get(i_url(world, "agreement", world.club.pk))
    assert 'media="print" href="/static/samskab/agreement-print' in page.content.decode()
    html = main(page)
    assert "Foreningen laver mad." in html
    assert "Børneattester er indhentet." in html
    assert html.count("Underskrevet af") == 2
    assert "Leder" in html and "Chair" in html
    with scope(municipality=world.municipality):
        agreement = Agreement.objects.get()
        assert agreement.signed_for_partner_by == world.chair


def test_agreement_end_before_start_is_refused(world, client):
    client.force_login(world.facilitator)
    response = client.post(
        i_url(world, "agreement_edit", world.club.pk),
        {"purpose": "Noget", "starts_on": "2026-05-01", "ends_on": "2026-01-01"},
    )
    assert response.status_code == 400
    with scope(municipality=world.municipality):
        assert not Agreement.objects.exists()


def test_documents_are_served_only_to_those_who_may_see_the_initiative(world, client):
    with scope(municipality=world.municipality):
        hidden = services.create_initiative(
            world.town.owner, space=world.town.invite_space, title="Lukket"
        )
    client.force_login(world.town.owner)
    path = reverse("initiatives:document_create", args=[world.municipality.slug, hidden.pk])
    response = client.post(
        path,
        {"title": "Referat", "file": SimpleUploadedFile("referat.txt", b"hemmeligt", "text/plain")},
    )
    assert response.status_code == 302
    with scope(municipality=world.municipality):
        document = Document.objects.get()
    download = reverse(
        "initiatives:document", args=[world.municipality.slug, hidden.pk, document.pk]
    )
    got = client.get(download)
    assert got.status_code == 200
    assert b"".join(got.streaming_content) == b"hemmeligt"
    assert "attachment" in got["Content-Disposition"]
    client.force_login(world.citizen)
    assert client.get(download).status_code == 404
    client.logout()
    assert client.get(download).status_code == 404


def test_status_change_shows_on_the_timeline_and_on_the_idea(world, client):
    with scope(municipality=world.municipality):
        services.link_idea(world.initiative, world.facilitator, world.idea)
    client.force_login(world.facilitator)
    response = client.post(
        i_url(world, "status"), {"status": "started", "progress": "", "note": "Første torsdag!"}
    )
    assert response.status_code == 302
    html = main(client.get(i_url(world, "detail")))
    assert "Første torsdag!" in html and "I gang, 25 %" in html
    client.force_login(world.author)
    challenge_html = main(client.get(world.challenge.get_absolute_url()))
    assert "Spisefællesskaber" in challenge_html and "Fællesspisning" in challenge_html


def test_milestone_and_partner_forms(world, client):
    client.force_login(world.facilitator)
    bad = client.post(i_url(world, "milestone_create"), {"title": "Start", "due_on": "i morgen"})
    assert bad.status_code == 400
    ok = client.post(i_url(world, "milestone_create"), {"title": "Start", "due_on": "2026-04-01"})
    assert ok.status_code == 302
    with scope(municipality=world.municipality):
        milestone = Milestone.objects.get()
    reach = client.post(i_url(world, "milestone_reach", milestone.pk), {"reached_on": "2026-04-02"})
    assert reach.status_code == 302
    unknown = client.post(
        i_url(world, "partner_create"), {"organisation": "", "contact": "ingen@nowhere.test"}
    )
    assert unknown.status_code == 400
    assert "Der er ingen profil med den e-mail" in main(unknown)
    person = client.post(
        i_url(world, "partner_create"), {"organisation": "", "contact": "borger@kbh.test"}
    )
    assert person.status_code == 302
    with scope(municipality=world.municipality):
        assert Partner.objects.filter(initiative=world.initiative, person=world.citizen).exists()


def test_citizens_see_no_management_buttons(world, client):
    client.force_login(world.citizen)
    html = main(client.get(i_url(world, "detail")))
    assert "Skift status" not in html and "Tilføj en partner" not in html
    assert client.get(i_url(world, "status")).status_code == 403
    client.logout()
    assert client.get(i_url(world, "detail")).status_code == 200
    assert client.get(i_url(world, "status")).status_code == 302  # to the login page


def test_the_movement_page_links_to_the_initiatives(world, client):
    with scopes_disabled():
        html = main(client.get(world.municipality.get_absolute_url()))
    assert reverse("initiatives:list", args=[world.municipality.slug]) in html


def test_what_became_of_my_idea(world, rf):
    from django.template.loader import render_to_string

    from samskab.municipalities.panels import IDEA_PANELS, panels_for

    request = rf.get("/")
    request.user = world.author
    with scope(municipality=world.municipality):
        assert panels_for(request, world.idea, IDEA_PANELS) == []
        services.link_idea(world.initiative, world.facilitator, world.idea)
        services.set_status(world.initiative, world.facilitator, status=Status.ADVANCED)
        ((template, panel),) = panels_for(request, world.idea, IDEA_PANELS)
        html = render_to_string(template, {"panel": panel})
    assert "Hvad blev der af idéen?" in html
    assert "Spisefællesskaber" in html and "Langt fremme" in html and "75 %" in html


def test_a_partners_contact_person_may_upload_evidence_through_the_page(world, client):
    """The page is gated as the service is (add_document), not by edit_milestones: the
    association's chair speaks for a partner and may add evidence, though not milestones."""
    page = i_url(world, "document_create")
    client.force_login(world.chair)
    with scope(municipality=world.municipality):
        assert not world.chair.has_perm("initiatives.edit_milestones", world.initiative)
        services.add_milestone(
            world.initiative, world.facilitator, title="Første spisning", due_on=date(2030, 1, 1)
        )
    detail = client.get(world.initiative.get_absolute_url()).content.decode()
    assert page in detail
    assert i_url(world, "milestone_create") not in detail
    shown = client.get(page)
    assert shown.status_code == 200
    # Only those who edit milestones may put a document in one, so she is not offered them.
    assert 'name="milestone"' not in shown.content.decode()
    upload = SimpleUploadedFile("kvittering.pdf", b"%PDF-1.4 kvittering", "application/pdf")
    response = client.post(page, {"title": "Kvittering for lokaleleje", "file": upload})
    assert response.status_code == 302
    with scope(municipality=world.municipality):
        document = Document.objects.get()
        assert (document.title, document.uploaded_by) == ("Kvittering for lokaleleje", world.chair)
    # A wrong type is refused on the page in Danish, and nothing is stored.
    bad = SimpleUploadedFile("virus.exe", b"MZ", "application/octet-stream")
    response = client.post(page, {"title": "Program", "file": bad})
    assert response.status_code == 400
    assert "Filen skal være pdf" in response.content.decode()
    # A citizen of the town, and a person of another town, may not.
    for outsider in (world.citizen, world.other.owner):
        client.force_login(outsider)
        upload = SimpleUploadedFile("x.pdf", b"%PDF-1.4", "application/pdf")
        assert client.post(page, {"title": "Nej", "file": upload}).status_code in {403, 404}
        assert client.get(page).status_code in {403, 404}
    client.force_login(world.citizen)
    assert client.get(page).status_code == 403
    with scope(municipality=world.municipality):
        assert Document.objects.count() == 1
