"""Initiatives over the API: list, one with partners, parts, milestones and economy (amounts as
strings, exact), the export, and writes through the services (a refusal is a 400)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django_scopes import scope

from samskab.initiatives import services
from samskab.initiatives.models import Initiative
from tests.helpers import assert_flat_query_count
from tests.initiatives.test_views import RULE, with_economy

pytestmark = pytest.mark.django_db


def base(world) -> str:
    return f"/api/municipalities/{world.municipality.code}/initiatives"


def test_list_and_detail_with_exact_amounts(world, client):
    with_economy(world)
    with scope(municipality=world.municipality):
        services.set_part(
            world.initiative,
            world.facilitator,
            title="Madlavning",
            assignments={world.club: "responsible", world.firm: "informed"},
        )
        services.add_milestone(
            world.initiative, world.facilitator, title="Start", due_on=date(2026, 3, 1)
        )
    listed = client.get(base(world))
    assert listed.status_code == 200
    (row,) = listed.json()
    assert row["title"] == "Spisefællesskaber"
    assert row["economy"] == {
        "budget": "100000.00",
        "committed": "22345.67",
        "spent": "0.00",
        "gap": "77654.33",
    }
    detail = client.get(f"{base(world)}/{world.initiative.pk}").json()
    assert [p["name"] for p in detail["partners"]] == [
        "Ældre og Sundhed",
        "Fælles Fodslag",
        "Fjordens Cykler",
    ]
    (part,) = detail["parts"]
    assert {a["role"] for a in part["assignments"]} == {"responsible", "informed"}
    assert detail["milestones"][0]["due_on"] == "2026-03-01"
    economy = detail["economy_detail"]
    assert economy["external"] == "22345.67" and economy["municipal"] == "0.00"
    assert economy["valuation_rules"] == {"hours": [RULE]}
    assert economy["per_line"][0]["committed"] == "10000.00"
    assert client.get(f"{base(world)}/{world.initiative.pk}/economy").json() == economy


def test_another_municipality_and_closed_spaces_are_404(world, client):
    with scope(municipality=world.municipality):
        hidden = services.create_initiative(
            world.town.owner, space=world.town.invite_space, title="Lukket"
        )
    other = f"/api/municipalities/{world.other.municipality.code}/initiatives"
    assert client.get(f"{other}/{world.initiative.pk}").status_code == 404
    assert client.get(f"{base(world)}/{hidden.pk}").status_code == 404
    assert client.get(f"{base(world)}/{hidden.pk}/economy").status_code == 404
    assert [r["id"] for r in client.get(base(world)).json()] == [world.initiative.pk]
    assert "Lukket" not in client.get(f"{base(world)}/export").content.decode()
    assert client.get("/api/municipalities/abcd/initiatives").status_code == 404


def test_the_list_is_query_flat(world, client):
    def fetch():
        response = client.get(base(world))
        assert response.status_code == 200

    def add(n: int) -> None:
        with scope(municipality=world.municipality):
            for k in range(n):
                made = services.create_initiative(
                    world.facilitator, space=world.town.public_space, title=f"Nr. {k}"
                )
                services.add_budget_line(
                    made, world.facilitator, title="Post", amount=Decimal("10.00")
                )

    assert_flat_query_count(fetch, add)


def test_create_and_status_through_the_services(world, client):
    client.force_login(world.facilitator)
    created = client.post(
        base(world),
        {"space": world.town.public_space.slug, "title": "Ny vej", "purpose": "Sikker skolevej"},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    moved = client.post(
        f"{base(world)}/{pk}/status",
        {"status": "advanced", "note": "Godt på vej"},
        content_type="application/json",
    )
    assert moved.status_code == 200
    assert moved.json()["progress"] == 75
    # Bad input: an end before the start is the service's refusal, a 400 in Danish.
    backwards = client.post(
        base(world),
        {
            "space": world.town.public_space.slug,
            "title": "Bagvendt",
            "starts_on": "2026-05-01",
            "ends_on": "2026-01-01",
        },
        content_type="application/json",
    )
    assert backwards.status_code == 400
    assert "slut" in backwards.json()["detail"].lower()
    unknown = client.post(
        f"{base(world)}/{pk}/status", {"status": "flying"}, content_type="application/json"
    )
    assert unknown.status_code == 400
    with scope(municipality=world.municipality):
        assert not Initiative.objects.filter(title="Bagvendt").exists()


def test_citizens_may_not_create_and_anonymous_must_log_in(world, client):
    payload = {"space": world.town.public_space.slug, "title": "Nej"}
    assert client.post(base(world), payload, content_type="application/json").status_code == 401
    client.force_login(world.citizen)
    refused = client.post(base(world), payload, content_type="application/json")
    assert refused.status_code == 400
    with scope(municipality=world.municipality):
        assert not Initiative.objects.filter(title="Nej").exists()


def test_export_then_import_over_the_api(world, client):
    client.force_login(world.facilitator)
    exported = client.get(f"{base(world)}/export").json()
    # The export may carry more tables (the import helper adds them); these four at least.
    assert {"initiatives", "partners", "responsibilities", "commitments"} <= set(exported)
    response = client.post(
        f"{base(world)}/import",
        {"space": world.town.public_space.slug, "initiatives": exported["initiatives"]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["created"] == 1
    with scope(municipality=world.municipality):
        assert Initiative.objects.filter(title="Spisefællesskaber").count() == 2
    bad = client.post(
        f"{base(world)}/import",
        {"space": world.town.public_space.slug, "initiatives": [{"title": ""}, {"title": "Ok"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    # JSON rows are numbered from 1 (the item's place in the list; a CSV counts its header).
    assert bad.json()["refused"] == [{"row": 1, "reason": "Titlen mangler."}]
    with scope(municipality=world.municipality):
        assert not Initiative.objects.filter(title="Ok").exists()


# -- writes ----------------------------------------------------------------------------------


def _post(client, url: str, data: dict | None = None, method: str = "post"):
    return getattr(client, method)(url, data or {}, content_type="application/json")


def _one(world) -> str:
    return f"{base(world)}/{world.initiative.pk}"


def test_milestones_over_the_api(world, client):
    client.force_login(world.citizen)
    payload = {"title": "Første spisning", "due_on": "2026-03-01"}
    assert _post(client, f"{_one(world)}/milestones", payload).status_code == 400
    client.force_login(world.facilitator)
    made = _post(client, f"{_one(world)}/milestones", payload)
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert (
        _post(client, f"{_one(world)}/milestones", {"title": "x", "due_on": "i morgen"}).status_code
        == 422
    )
    reached = _post(client, f"{_one(world)}/milestones/{pk}/reached", {"reached_on": "2026-03-02"})
    assert reached.status_code == 200 and reached.json()["reached_on"] == "2026-03-02"
    assert (
        _post(
            client, f"{_one(world)}/milestones/{pk + 999}/reached", {"reached_on": "2026-03-02"}
        ).status_code
        == 404
    )


def test_partners_agreements_and_parts_over_the_api(world, client):
    client.force_login(world.facilitator)
    nobody = _post(client, f"{_one(world)}/partners", {"contact": "ingen@kbh.test"})
    assert nobody.status_code == 400 and "ingen profil" in nobody.json()["detail"]
    person = _post(client, f"{_one(world)}/partners", {"contact": world.citizen.email})
    assert person.status_code == 201, person.content
    assert person.json()["organisation_id"] is None
    url = f"{_one(world)}/partners/{world.club.pk}/agreement"
    saved = _post(client, url, {"purpose": "Fællesspisning", "starts_on": "2026-01-01"}, "put")
    assert saved.status_code == 200, saved.content
    backwards = _post(
        client, url, {"purpose": "x", "starts_on": "2026-05-01", "ends_on": "2026-01-01"}, "put"
    )
    assert backwards.status_code == 400
    client.force_login(world.chair)
    assert _post(client, url + "/sign", {"side": "municipality"}).status_code == 400
    signed = _post(client, url + "/sign", {"side": "partner"})
    assert signed.status_code == 200 and signed.json()["signed_for_partner"] is True
    client.force_login(world.facilitator)
    two = {
        "title": "Madlavning",
        "roles": {world.club.pk: "responsible", world.firm.pk: "responsible"},
    }
    assert _post(client, f"{_one(world)}/parts", two).status_code == 400
    one = {"title": "Madlavning", "roles": {world.club.pk: "responsible", world.firm.pk: "adviser"}}
    part = _post(client, f"{_one(world)}/parts", one)
    assert part.status_code == 201, part.content
    again = _post(
        client,
        f"{_one(world)}/parts/{part.json()['id']}",
        {"title": "Madlavning", "roles": {world.firm.pk: "responsible"}},
        "put",
    )
    assert again.status_code == 200
    assert again.json()["assignments"] == [{"partner_id": world.firm.pk, "role": "responsible"}]
    stranger = _post(
        client, f"{_one(world)}/parts", {"title": "x", "roles": {999999: "responsible"}}
    )
    assert stranger.status_code == 400


def test_budget_and_commitments_over_the_api(world, client):
    client.force_login(world.facilitator)
    for bad in ["-5", "0", "abc", "12,345", "1000000000000", "12.3456"]:
        refused = _post(client, f"{_one(world)}/budget-lines", {"title": "Mad", "amount": bad})
        assert refused.status_code == 400, (bad, refused.content)
        assert isinstance(refused.json()["detail"], str | dict)
    floating = _post(client, f"{_one(world)}/budget-lines", {"title": "Mad", "amount": 100.1})
    assert floating.status_code in (400, 422)
    with scope(municipality=world.municipality):
        assert not world.initiative.budget_lines.exists()
    line = _post(client, f"{_one(world)}/budget-lines", {"title": "Mad", "amount": "100000.10"})
    assert line.status_code == 201 and line.json()["amount"] == "100000.10"
    line_id = line.json()["id"]
    approve = f"{_one(world)}/budget-lines/{line_id}/approve"
    assert _post(client, approve).status_code == 400
    client.force_login(world.leader)
    assert _post(client, approve).json()["approved"] is True
    # Only someone affiliated with the business may commit for it.
    offer = {
        "partner_id": world.firm.pk,
        "kind": "money",
        "quantity": "12345.67",
        "budget_line_id": line_id,
    }
    client.force_login(world.chair)
    assert _post(client, f"{_one(world)}/commitments", offer).status_code == 400
    client.force_login(world.owner)
    made = _post(client, f"{_one(world)}/commitments", offer)
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    url = f"{_one(world)}/commitments/{pk}"
    assert made.json()["history"][0]["planned_value"] == "12345.67"
    fixed = _post(client, url + "/corrections", {"quantity": "12000.01", "reason": "Mindre mad"})
    assert fixed.status_code == 200 and fixed.json()["history"][-1]["planned_value"] == "12000.01"
    assert _post(client, url + "/corrections", {"quantity": "-1", "reason": "x"}).status_code == 400
    actual = _post(client, url + "/actuals", {"quantity": "11999.99"})
    assert actual.status_code == 200 and actual.json()["history"][-1]["actual_value"] == "11999.99"
    client.force_login(world.chair)
    assert _post(client, url + "/withdraw", {"reason": "Nej"}).status_code == 400
    client.force_login(world.leader)
    signed = _post(client, url + "/sign-off")
    assert signed.status_code == 200, signed.content
    client.force_login(world.owner)
    gone = _post(client, url + "/withdraw", {"reason": "Butikken lukker"})
    history = client.get(url).json()["history"]
    assert [e["action"] for e in history][:4] == ["committed", "corrected", "actual", "signed_off"]
    assert gone.status_code in (200, 400)
    assert [e["seq"] for e in history] == sorted(e["seq"] for e in history)


def test_writes_in_another_municipality_are_404(world, client):
    client.force_login(world.other.owner)
    other = f"/api/municipalities/{world.other.municipality.code}/initiatives/{world.initiative.pk}"
    assert (
        _post(client, f"{other}/milestones", {"title": "x", "due_on": "2026-01-01"}).status_code
        == 404
    )
    assert (
        _post(client, f"{other}/budget-lines", {"title": "x", "amount": "1.00"}).status_code == 404
    )
    assert client.get(f"{other}/commitments/1").status_code == 404
    client.logout()
    assert (
        _post(client, f"{_one(world)}/budget-lines", {"title": "x", "amount": "1.00"}).status_code
        == 401
    )


def test_the_openapi_schema_still_builds(client):
    schema = client.get("/api/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert any(p.endswith("/commitments/{commitment_id}/sign-off") for p in paths)


def _pdf(name: str = "kvittering.pdf", body: bytes = b"%PDF-1.4 kvittering"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, body, "application/pdf")


def test_documents_over_the_api_with_the_pages_rules(world, client, monkeypatch):
    from samskab.initiatives.models import Document

    url = f"{_one(world)}/documents"
    # Anonymous must log in; a citizen is refused by the service; nothing is stored.
    assert client.post(url, {"title": "Nej", "file": _pdf()}).status_code == 401
    client.force_login(world.citizen)
    refused = client.post(url, {"title": "Nej", "file": _pdf()})
    assert refused.status_code == 400
    assert "Du kan ikke lægge dokumenter" in refused.json()["detail"]
    # The association's chair speaks for a partner: she may add evidence (multipart) ...
    client.force_login(world.chair)
    made = client.post(url, {"title": "Kvittering", "file": _pdf()})
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["title"], body["uploaded_by"], body["milestone_ids"]) == (
        "Kvittering",
        world.chair.public_name,
        [],
    )
    assert client.get(body["url"]).status_code == 200
    assert [d["id"] for d in client.get(url).json()] == [body["id"]]
    # ... but not put it in a milestone, which is for those who edit milestones.
    with scope(municipality=world.municipality):
        milestone = services.add_milestone(
            world.initiative, world.facilitator, title="Start", due_on=date(2030, 1, 1)
        )
    data = {"title": "Referat", "file": _pdf(), "milestone_id": milestone.pk}
    assert client.post(url, data).status_code == 400
    client.force_login(world.facilitator)
    data = {"title": "Referat", "file": _pdf(), "milestone_id": milestone.pk}
    made = client.post(url, data)
    assert made.status_code == 201 and made.json()["milestone_ids"] == [milestone.pk]
    # A milestone of nothing here, a wrong type, an empty or a too large file: a Danish 400.
    assert (
        client.post(url, {"title": "x", "file": _pdf(), "milestone_id": 99999}).status_code == 400
    )
    wrong = client.post(url, {"title": "Program", "file": _pdf("program.exe", b"MZ")})
    assert wrong.status_code == 400 and "Filen skal være pdf" in wrong.json()["detail"]
    assert client.post(url, {"title": "Tom", "file": _pdf(body=b"")}).status_code == 400
    monkeypatch.setattr(services, "MAX_UPLOAD_BYTES", 5)
    big = client.post(url, {"title": "Stor", "file": _pdf()})
    assert big.status_code == 400 and "10 MB" in big.json()["detail"]
    assert client.post(url, {"title": "Uden fil"}).status_code in {400, 422}
    with scope(municipality=world.municipality):
        assert Document.objects.count() == 2
    # Another municipality's code does not reach the initiative.
    other = f"/api/municipalities/{world.other.municipality.code}/initiatives/"
    other += f"{world.initiative.pk}/documents"
    assert client.post(other, {"title": "x", "file": _pdf()}).status_code == 404


def test_linking_ideas_over_the_api(world, client):
    from samskab.challenges.models import Idea
    from samskab.core.models import AuditEvent

    with scope(municipality=world.municipality):
        idea = Idea.objects.create(
            municipality=world.municipality,
            challenge=world.challenge,
            author=world.supporter,
            title="Madklub",
            body="For alle.",
        )
    url = f"{_one(world)}/ideas"
    client.force_login(world.citizen)
    refused = _post(client, url, {"idea_id": idea.pk})
    assert refused.status_code == 400
    assert "Du kan ikke knytte idéer" in refused.json()["detail"]
    client.force_login(world.facilitator)
    made = _post(client, url, {"idea_id": idea.pk})
    assert made.status_code == 201, made.content
    assert idea.pk in made.json()["idea_ids"]
    assert idea.pk in client.get(_one(world)).json()["idea_ids"]
    with scope(municipality=world.municipality):
        assert AuditEvent.objects.filter(action="initiative.idea_linked").exists()
    # Twice, a missing idea and another municipality's idea are refused in Danish.
    again = _post(client, url, {"idea_id": idea.pk})
    assert again.status_code == 400 and "allerede knyttet" in again.json()["detail"]
    missing = _post(client, url, {"idea_id": 10**9})
    assert missing.status_code == 400 and "Idéen findes ikke" in missing.json()["detail"]
    assert _post(client, url, {"idea_id": "mange"}).status_code == 422
