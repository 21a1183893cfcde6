"""The accountability page and the initiative's pages are query-flat in their size: the same
number of queries for 1, 11 and 500 initiatives (each with ideas, a budget and commitments)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django_scopes import scope

from samskab.challenges.models import Idea
from samskab.initiatives import services
from samskab.initiatives.models import BudgetLine, Initiative, InitiativeIdea
from tests.helpers import assert_flat_query_count, count_queries

pytestmark = pytest.mark.django_db


def grow(world, n: int) -> None:
    """n more initiatives, each a sub-initiative with an idea, a budget line and a commitment."""
    with scope(municipality=world.municipality):
        for k in range(n):
            made = services.create_initiative(
                world.facilitator,
                space=world.town.public_space,
                title=f"Delinitiativ {k}",
                parent=world.initiative,
                ideas=[world.idea],
            )
            services.add_budget_line(made, world.facilitator, title="Post", amount=Decimal("100"))
            partner = services.add_partner(
                made, world.facilitator, organisation=world.association, contact=world.chair
            )
            services.commit(made, world.chair, partner=partner, kind="money", quantity=Decimal("7"))


def bulk(world, n: int) -> None:
    """n plain initiatives with an idea and a budget line each, written in bulk (for speed)."""
    with scope(municipality=world.municipality):
        made = Initiative.objects.bulk_create(
            Initiative(
                municipality=world.municipality,
                space=world.town.public_space,
                title=f"Masse {k}",
                created_by=world.facilitator,
            )
            for k in range(n)
        )
        idea = Idea.objects.get(pk=world.idea.pk)
        InitiativeIdea.objects.bulk_create(
            InitiativeIdea(municipality=world.municipality, initiative=i, idea=idea) for i in made
        )
        BudgetLine.objects.bulk_create(
            BudgetLine(
                municipality=world.municipality, initiative=i, title="Post", amount=Decimal("1.01")
            )
            for i in made
        )


def page(client, world, query: str = "") -> str:
    response = client.get(reverse("initiatives:list", args=[world.municipality.slug]) + query)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("query", ["", "?sorter=mangler", "?status=planning&sorter=titel"])
def test_accountability_page_is_flat(world, client, query):
    client.force_login(world.facilitator)
    assert_flat_query_count(lambda: page(client, world, query), lambda n: grow(world, n))


def test_accountability_page_with_500_initiatives(world, client):
    client.force_login(world.facilitator)
    page(client, world)
    small, _ = count_queries(lambda: page(client, world))
    bulk(world, 500)
    large, html = count_queries(lambda: page(client, world))
    assert large == small
    assert "501 initiativer" in html
    # The totals row adds up all 500 budget lines, not just the page shown: 500 × 1,01 kr.
    assert "505,00 kr." in html


def test_initiative_and_economy_pages_are_flat(world, client):
    client.force_login(world.facilitator)
    detail = world.initiative.get_absolute_url()

    def fetch() -> None:
        for path in (detail, detail + "oekonomi/"):
            assert client.get(path).status_code == 200

    def add(n: int) -> None:
        with scope(municipality=world.municipality):
            for k in range(n):
                services.add_milestone(
                    world.initiative, world.facilitator, title=f"M {k}", due_on=date(2026, 1, 1)
                )
                line = services.add_budget_line(
                    world.initiative, world.facilitator, title=f"B {k}", amount=Decimal("10")
                )
                services.commit(
                    world.initiative,
                    world.chair,
                    partner=world.club,
                    kind="money",
                    quantity=Decimal("3"),
                    budget_line=line,
                )
                services.set_part(
                    world.initiative,
                    world.facilitator,
                    title=f"Del {k}",
                    assignments={world.club: "responsible", world.firm: "adviser"},
                )
        grow(world, n)

    assert_flat_query_count(fetch, add)


def test_economy_page_is_flat_in_its_partners(world, client):
    from samskab.accounts.models import Organisation, OrganisationKind

    client.force_login(world.chair)
    path = world.initiative.get_absolute_url() + "oekonomi/"

    def fetch() -> None:
        assert client.get(path).status_code == 200

    def add(n: int) -> None:
        with scope(municipality=world.municipality):
            for _ in range(n):
                org = Organisation.objects.create(
                    municipality=world.municipality,
                    name=f"Forening {Organisation.objects.count()}",
                    kind=OrganisationKind.ASSOCIATION,
                )
                services.add_partner(
                    world.initiative, world.facilitator, organisation=org, contact=world.citizen
                )

    assert_flat_query_count(fetch, add)
