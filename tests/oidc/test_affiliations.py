"""Affiliations the provider's claims made go again when the claims stop giving them, at the
next real login, audited; affiliations made by hand are never the provider's to remove."""

from __future__ import annotations

from django_scopes import scopes_disabled

from samskab.accounts.models import (
    Affiliation,
    DepartmentLevel,
    Organisation,
    OrganisationKind,
    User,
)
from samskab.core.models import AuditEvent
from samskab.municipalities.models import Municipality
from tests.oidc.fixtures import log_in


def unit(name: str) -> Organisation:
    with scopes_disabled():
        return Organisation.objects.create(
            municipality=Municipality.objects.get(code="0101"),
            name=name,
            kind=OrganisationKind.DEPARTMENT,
            level=DepartmentLevel.ADMINISTRATION,
        )


def affiliations(person: User) -> dict[str, str]:
    """Organisation name → the provider that made the tie ("" by hand)."""
    with scopes_disabled():
        return dict(
            Affiliation.objects.filter(person=person).values_list(
                "organisation__name", "from_provider"
            )
        )


def removals() -> list[int]:
    with scopes_disabled():
        return list(
            AuditEvent.objects.filter(action="affiliation.removed_by_login")
            .order_by("pk")
            .values_list("detail__organisation", flat=True)
        )


def relog(client, idp, **claims) -> None:
    client.post("/konto/logout/")
    idp.set_person("anna", **{**idp.person("anna"), **claims})
    log_in(client)


def test_a_claimed_affiliation_goes_when_the_claim_goes(configured, client):
    tmf = unit("Teknik- og Miljøforvaltningen")
    kff = unit("Kultur- og Fritidsforvaltningen")
    log_in(client)
    anna = User.objects.get(email="anna@kbh.test")
    assert affiliations(anna) == {tmf.name: "test-idp"}

    # She moves to another unit at the provider: the old tie goes, the new one comes.
    relog(client, configured, department=kff.name)
    assert affiliations(anna) == {kff.name: "test-idp"}
    assert removals() == [tmf.pk]

    # The claim is gone altogether: so is the tie it made.
    claims = configured.person("anna")
    del claims["department"]
    client.post("/konto/logout/")
    configured.set_person("anna", **claims)
    log_in(client)
    assert affiliations(anna) == {}
    assert removals() == [tmf.pk, kff.pk]
    with scopes_disabled():
        event = AuditEvent.objects.filter(action="affiliation.removed_by_login").latest("pk")
    assert event.detail["provider"] == "test-idp" and event.actor_id == anna.pk


def test_a_hand_made_affiliation_is_kept(configured, client):
    tmf = unit("Teknik- og Miljøforvaltningen")
    board = unit("Borgerrådgiveren")
    log_in(client)
    anna = User.objects.get(email="anna@kbh.test")
    with scopes_disabled():
        # An administrator ties her to a second unit by hand.
        Affiliation.objects.create(municipality=board.municipality, person=anna, organisation=board)
    relog(client, configured, department="En forvaltning Samskab ikke har")
    assert affiliations(anna) == {board.name: ""}
    assert removals() == [tmf.pk]


def test_a_hand_made_affiliation_the_claim_also_names_stays_hand_made(configured, client):
    tmf = unit("Teknik- og Miljøforvaltningen")
    log_in(client)
    anna = User.objects.get(email="anna@kbh.test")
    with scopes_disabled():
        Affiliation.objects.filter(person=anna).update(from_provider="")  # made by hand
    relog(client, configured, department="Noget andet")
    assert affiliations(anna) == {tmf.name: ""}
    assert removals() == []
