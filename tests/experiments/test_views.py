"""Pages: who sees what, 404 across municipalities and for initiatives one may not see, forms
that keep the input when refused."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from samskab.experiments.models import Experiment, Review
from samskab.reflection.models import Learning
from tests.experiments.conftest import design, make_initiative

pytestmark = pytest.mark.django_db


def _url(name: str, experiment=None, initiative=None, slug: str | None = None) -> str:
    initiative = initiative or experiment.initiative
    kwargs = {"municipality": slug or initiative.municipality.slug, "initiative": initiative.pk}
    if experiment is not None:
        kwargs["experiment"] = experiment.pk
    return reverse(f"experiments:{name}", kwargs=kwargs)


def _form(**changes) -> dict:
    data = {
        "title": "Spisning",
        "hypothesis": "Hvis vi spørger, kommer de.",
        "signals": "Hvor mange kommer igen.",
        "amplify_when": "15 kommer.",
        "dampen_when": "Under 8.",
        "stop_when": "Ingen nye.",
        "review_on": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "zone": "4",
    }
    data.update(changes)
    return data


def test_pages_show_the_experiment_to_those_who_may_see_it(town_a, client, experiment):
    for url in [_url("list", initiative=experiment.initiative), _url("detail", experiment)]:
        response = client.get(url)
        assert response.status_code == 200
        assert experiment.title in response.content.decode()
    portfolio = client.get(reverse("experiments:portfolio", args=[town_a.municipality.slug]))
    assert portfolio.status_code == 200
    assert experiment.title in portfolio.content.decode()


def test_another_municipalitys_address_is_a_404(towns, client, experiment):
    town_a, town_b = towns
    client.force_login(town_b.owner)
    slug = town_b.municipality.slug
    for name in ["detail", "edit", "review"]:
        assert client.get(_url(name, experiment, slug=slug)).status_code == 404
    assert client.get(_url("list", initiative=experiment.initiative, slug=slug)).status_code == 404
    assert client.post(_url("publish", experiment, slug=slug)).status_code == 404


def test_an_initiative_one_may_not_see_is_a_404_and_left_out_of_the_portfolio(towns, client):
    town_a, town_b = towns
    hidden = design(make_initiative(town_a, space=town_a.staff_space), town_a.owner, title="Skjult")
    client.force_login(town_b.outsider)  # a citizen of town A
    assert client.get(_url("detail", hidden)).status_code == 404
    assert client.get(_url("list", initiative=hidden.initiative)).status_code == 404
    page = client.get(reverse("experiments:portfolio", args=[town_a.municipality.slug]))
    assert "Skjult" not in page.content.decode()
    client.force_login(town_a.member)  # staff see the staff space
    assert client.get(_url("detail", hidden)).status_code == 200


def test_design_form_creates_and_keeps_input_when_refused(town_a, client, initiative):
    client.force_login(town_a.owner)
    url = _url("design", initiative=initiative)
    assert client.get(url).status_code == 200
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    refused = client.post(url, _form(review_on=past, hypothesis="Min egen hypotese"))
    assert refused.status_code == 400
    assert "passeret" in refused.content.decode()
    assert "Min egen hypotese" in refused.content.decode()
    assert client.post(url, _form(hypothesis="")).status_code == 400
    with scopes_disabled():
        assert not Experiment.objects.exists()
    done = client.post(url, _form())
    assert done.status_code == 302
    with scopes_disabled():
        created = Experiment.objects.get()
    assert done["Location"] == created.get_absolute_url()


def test_design_needs_the_right(town_a, client, initiative):
    client.force_login(town_a.member)
    assert client.get(_url("design", initiative=initiative)).status_code == 403
    assert client.post(_url("design", initiative=initiative), _form()).status_code == 403
    client.logout()
    assert client.get(_url("design", initiative=initiative)).status_code == 302


def test_review_form_and_publishing_the_learning(town_a, client, experiment):
    client.force_login(town_a.owner)
    url = _url("review", experiment)
    assert client.get(url).status_code == 200
    refused = client.post(url, {"decision": "stop", "sensed": "", "outcome": "Mit resultat"})
    assert refused.status_code == 400
    assert "Mit resultat" in refused.content.decode()
    done = client.post(
        url, {"decision": "amplify", "sensed": "Mange kom.", "learning": "Spørg personligt."}
    )
    assert done.status_code == 302
    with scopes_disabled():
        assert Review.objects.count() == 1
    detail = client.get(_url("detail", experiment)).content.decode()
    assert "Spørg personligt." in detail
    assert _url("publish", experiment) in detail
    published = client.post(_url("publish", experiment))
    with scopes_disabled():
        learning = Learning.objects.get()
    assert published["Location"] == learning.get_absolute_url()
    assert client.get(learning.get_absolute_url()).status_code == 200


def test_editing_is_offered_until_the_first_review(town_a, client, experiment):
    client.force_login(town_a.owner)
    url = _url("edit", experiment)
    assert client.get(url).status_code == 200
    assert client.post(url, _form(title="Nyt navn")).status_code == 302
    experiment.refresh_from_db()
    assert experiment.title == "Nyt navn"


def test_the_movement_page_links_to_the_portfolio(town_a, client):
    page = client.get(town_a.municipality.get_absolute_url()).content.decode()
    assert reverse("experiments:portfolio", args=[town_a.municipality.slug]) in page


def test_user_text_is_escaped(town_a, client, initiative):
    experiment = design(initiative, town_a.owner, title="<script>alert(1)</script>")
    page = client.get(_url("detail", experiment)).content.decode()
    assert "<script>alert(1)" not in page


def test_the_initiative_panel_lists_its_experiments(town_a, rf, experiment):
    from django.template.loader import render_to_string

    from samskab.experiments.panels import initiative_panel

    request = rf.get("/")
    request.user = town_a.owner
    with scope(municipality=town_a.municipality):
        template, context = initiative_panel(request, experiment.initiative)
        html = render_to_string(template, {"panel": context})
    assert experiment.get_absolute_url() in html
    assert _url("design", initiative=experiment.initiative) in html


def test_the_accountability_page_counts_each_initiatives_experiments(town_a, client, experiment):
    with scope(municipality=town_a.municipality):
        design(experiment.initiative, town_a.owner, title="Endnu et forsøg")
        Experiment.objects.filter(pk=experiment.pk).update(status="amplified")
    response = client.get(reverse("initiatives:list", args=[town_a.municipality.slug]))
    html = response.content.decode()
    assert '<th scope="col">Eksperimenter</th>' in html
    assert "<td>1 i gang, 1 forstærket</td>" in html
