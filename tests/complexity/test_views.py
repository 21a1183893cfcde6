"""Rating, results, movement between rounds, bad input, tenancy, query budgets, API, export."""

from __future__ import annotations

import io
import json

import pytest
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from samskab.accounts.personal_data import export_personal_data
from samskab.analysis.stacey import Zone
from samskab.complexity import presentation, services
from samskab.complexity.models import Rating
from tests.complexity.conftest import make_challenge, make_rater
from tests.helpers import assert_flat_query_count

pytestmark = pytest.mark.django_db


def main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def rate_url(round_) -> str:
    return round_.get_absolute_url() + "svar/"


def test_another_municipalitys_assessment_is_404_like_a_missing_one(towns, client):
    a, b = towns
    theirs = make_challenge(b)
    with scope(municipality=b.municipality):
        round_ = services.open_round(theirs, b.owner)
    client.force_login(a.owner)
    slug_a, slug_b = a.municipality.slug, b.municipality.slug
    # B's public assessment is visible under B's address …
    assert client.get(round_.get_absolute_url()).status_code == 200
    # … but never under A's, and looks exactly like a missing one.
    wrong = client.get(round_.get_absolute_url().replace(slug_b, slug_a))
    missing = client.get(f"/kommuner/{slug_a}/udfordringer/999999/kompleksitet/runde/1/")
    assert wrong.status_code == missing.status_code == 404
    assert main(wrong) == main(missing)
    base = f"/kommuner/{slug_a}/udfordringer/{theirs.pk}/kompleksitet/"
    for url in (base, base + "runde/1/", base + "runde/1/svar/"):
        assert client.get(url).status_code == 404 or client.post(url).status_code == 404
    assert client.post(base + "ny-runde/").status_code == 404


def test_staff_space_assessment_is_hidden_from_citizens(town_a, citizen, client):
    hidden = make_challenge(town_a, space=town_a.staff_space)
    with scope(municipality=town_a.municipality):
        round_ = services.open_round(hidden, town_a.owner)
    client.force_login(citizen)
    assert client.get(round_.get_absolute_url()).status_code == 404
    client.force_login(town_a.member)
    assert client.get(round_.get_absolute_url()).status_code == 200


def test_rate_and_see_the_matrix(town_a, open_round, citizen, client):
    client.force_login(citizen)
    page = client.get(open_round.get_absolute_url())
    html = main(page)
    assert "Hvor enige er I om udfordringen" in html
    assert "Ingen har svaret i denne runde endnu." in html
    response = client.post(
        rate_url(open_round),
        {"agreement": "2", "certainty": "1", "role": "borger", "reason": "Vi er uenige."},
    )
    assert response.status_code == 302
    html = main(client.get(open_round.get_absolute_url()))
    assert 'role="img"' in html and '<title id="matrix-title">' in html
    assert "25 % enighed og 0 % sikkerhed" in html  # (2-1)/4 and (1-1)/4
    assert "Zone 5: Skab ro først" in html
    assert "Vi er uenige." in html
    # Answering again changes the one rating.
    client.post(rate_url(open_round), {"agreement": "5", "certainty": "5", "role": "borger"})
    with scope(municipality=town_a.municipality):
        assert Rating.objects.filter(round=open_round).count() == 1
        assert Rating.objects.get(round=open_round).agreement == 5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"agreement": "7", "certainty": "3", "role": "borger"}, "Vælg et tal fra 1 til 5."),
        ({"agreement": "0", "certainty": "3", "role": "borger"}, "Vælg et tal fra 1 til 5."),
        ({"certainty": "3", "role": "borger"}, "Vælg et tal fra 1 til 5."),
        (
            {"agreement": "3", "certainty": "3", "role": "borger", "reason": "x" * 501},
            "Begrundelsen må højst være 500 tegn – du har skrevet 501.",
        ),
        (
            {"agreement": "3", "certainty": "3", "role": "administrator", "reason": "Kept"},
            "Vælg en af dine egne roller.",
        ),
    ],
)
def test_bad_input_is_refused_kept_and_stores_nothing(open_round, citizen, client, data, message):
    client.force_login(citizen)
    response = client.post(rate_url(open_round), data)
    assert response.status_code == 400
    html = main(response)
    assert message.split(".")[0] in html
    if data.get("reason"):
        assert data["reason"][:50] in html  # what the person typed is still there
    with scope(municipality=open_round.municipality):
        assert not Rating.objects.filter(round=open_round).exists()


def test_answer_to_a_closed_round_is_refused_and_kept(town_a, open_round, citizen, client):
    with scope(municipality=town_a.municipality):
        services.set_round_open(open_round, town_a.owner, is_open=False)
    client.force_login(citizen)
    response = client.post(
        rate_url(open_round),
        {"agreement": "4", "certainty": "2", "role": "borger", "reason": "Min begrundelse"},
    )
    assert response.status_code == 400
    html = main(response)
    assert "Runden er lukket, så dit svar kan ikke gemmes længere." in html
    assert "Min begrundelse" in html
    with scope(municipality=town_a.municipality):
        assert not Rating.objects.filter(round=open_round).exists()
        with pytest.raises(services.ServiceError):
            services.rate(open_round, citizen, agreement=4, certainty=2)


def test_service_refuses_values_outside_the_scale(town_a, open_round, citizen):
    with scope(municipality=town_a.municipality):
        for a, c in [(0, 3), (6, 3), (3, 2.5), (True, 3)]:
            with pytest.raises(services.ServiceError):
                services.rate(open_round, citizen, agreement=a, certainty=c)
        assert not Rating.objects.exists()


ROLES_5 = ["borger", "borger", "medarbejder", "medarbejder", "politiker"]


def test_second_round_shows_movement_and_roles(town_a, challenge, client, settings):
    settings.SAMSKAB_MIN_GROUP_SIZE = 2
    people = [
        make_rater(town_a, f"p{k}@kbh.test", role)
        for k, role in enumerate(
            [Role.CITIZEN, Role.CITIZEN, Role.EMPLOYEE, Role.EMPLOYEE, Role.COUNCIL_MEMBER]
        )
    ]
    with scope(municipality=town_a.municipality):
        first = services.open_round(challenge, town_a.owner)
        for person, role in zip(people, ROLES_5, strict=True):
            services.rate(first, person, agreement=2, certainty=2, role=role)
        second = services.open_round(challenge, town_a.owner)
        first.refresh_from_db()
        assert not first.is_open and second.number == 2
        for person, role in zip(people, ROLES_5, strict=True):
            services.rate(second, person, agreement=4, certainty=3, role=role)
    client.force_login(town_a.member)
    html = main(client.get(second.get_absolute_url()))
    assert "Sådan har svarene flyttet sig siden runden før" in html
    assert "Enighed: +50 procentpoint. Sikkerhed: +25 procentpoint." in html
    assert '<th scope="row">Medarbejder</th>' in html and '<th scope="row">Andre</th>' in html
    # The one politician's answer is not shown on its own, nor left as the total minus the
    # roles shown: the citizens are shown together with the politician as "Andre".
    assert "Grupper med færre end 2 deltagere vises ikke for sig" in html
    assert '<th scope="row">Politiker</th>' not in html
    assert '<th scope="row">Borger</th>' not in html


def test_thresholds_are_configurable_per_municipality(towns, client):
    a, b = towns
    with scope(municipality=a.municipality):
        assert services.thresholds_for(a.municipality.pk).high == 0.7
    client.force_login(a.owner)
    url = f"/kommuner/{a.municipality.slug}/kompleksitet/zoner/"
    assert client.get(url).status_code == 200
    bad = client.post(url, {"high": "30", "low": "40", "chaos": "10"})
    assert bad.status_code == 400
    assert "Grænserne skal ligge sådan" in main(bad)
    assert client.post(url, {"high": "60", "low": "40", "chaos": "10"}).status_code == 302
    with scope(municipality=a.municipality):
        assert services.thresholds_for(a.municipality.pk).high == 0.6
    with scope(municipality=b.municipality):
        assert services.thresholds_for(b.municipality.pk).high == 0.7
    client.force_login(a.member)
    assert client.get(url).status_code == 403


def test_zone_changes_with_the_municipalitys_thresholds():
    from samskab.analysis.stacey import ZoneThresholds

    class R:
        def __init__(self, a, c):
            self.agreement, self.certainty, self.role = a, c, ""

    ratings = [R(4, 4)]  # 0.75 / 0.75
    assert (
        presentation.summarise(ratings, ZoneThresholds()).overall.zone == Zone.TECHNICALLY_RATIONAL
    )
    strict = ZoneThresholds(high=0.8, low=0.4, chaos=0.3)
    assert presentation.summarise(ratings, strict).overall.zone == Zone.COMPLEXITY


def test_round_page_query_count_is_flat(town_a, open_round, client):
    counter = iter(range(1000))

    def add(n: int) -> None:
        for _ in range(n):
            k = next(counter)
            person = make_rater(town_a, f"q{k}@kbh.test", Role.CITIZEN if k % 2 else Role.EMPLOYEE)
            with scope(municipality=town_a.municipality):
                services.rate(
                    open_round,
                    person,
                    agreement=1 + k % 5,
                    certainty=1 + k % 3,
                    role="borger" if k % 2 else "medarbejder",
                    reason=f"Grund {k}",
                )

    client.force_login(town_a.member)

    def fetch():
        response = client.get(open_round.get_absolute_url())
        assert response.status_code == 200

    assert_flat_query_count(fetch, add)


def test_assessment_page_query_count_is_flat(town_a, challenge, client):
    def add(n: int) -> None:
        with scope(municipality=town_a.municipality):
            for _ in range(n):
                services.open_round(challenge, town_a.owner)

    client.force_login(town_a.member)

    def fetch():
        url = f"/kommuner/{town_a.municipality.slug}/udfordringer/{challenge.pk}/kompleksitet/"
        assert client.get(url).status_code == 200

    assert_flat_query_count(fetch, add)


def test_manage_rounds(town_a, challenge, client):
    base = f"/kommuner/{town_a.municipality.slug}/udfordringer/{challenge.pk}/kompleksitet/"
    client.force_login(town_a.member)
    assert client.post(base + "ny-runde/").status_code == 403
    client.force_login(town_a.owner)
    assert client.post(base + "ny-runde/").status_code == 302
    assert client.post(base + "runde/1/aaben-luk/").status_code == 302
    with scope(municipality=town_a.municipality):
        assert not services.rounds_of(challenge)[0].is_open
    assert client.post(base + "runde/1/aaben-luk/", {"open": "1"}).status_code == 302
    with scope(municipality=town_a.municipality):
        assert services.rounds_of(challenge)[0].is_open


def test_api_gives_summaries_without_people(town_a, open_round, citizen, client):
    with scope(municipality=town_a.municipality):
        services.rate(
            open_round, citizen, agreement=3, certainty=5, role="borger", reason="Hemmelig"
        )
    code = town_a.municipality.code
    url = f"/api/municipalities/{code}/challenges/{open_round.challenge_id}/assessment"
    response = client.get(url)
    assert response.status_code == 200
    data = response.json()
    assert data[0]["overall"]["agreement"] == 50 and data[0]["overall"]["certainty"] == 100
    assert data[0]["ratings"] == [[3, 5]]
    text = json.dumps(data)
    assert citizen.email not in text and "Hemmelig" not in text
    other = client.get(url.replace(town_a.municipality.code, "0751"))
    assert other.status_code == 404


def test_personal_data_export_has_own_ratings(town_a, open_round, citizen):
    with scope(municipality=town_a.municipality):
        services.rate(open_round, citizen, agreement=3, certainty=4, reason="Mit svar")
    data = export_personal_data(citizen)
    assert data["complexity"]["ratings"][0]["reason"] == "Mit svar"
    assert export_personal_data(town_a.member)["complexity"]["ratings"] == []


def test_challenge_page_shows_the_assessment_panel(town_a, open_round, citizen, client):
    challenge = open_round.challenge
    client.force_login(citizen)
    with scope(municipality=town_a.municipality):
        url = challenge.get_absolute_url()
    html = client.get(url).content.decode()
    assert "Runde 1" in html and "kompleksitet/" in html


def test_audit_trail(town_a, open_round, citizen):
    from samskab.core.models import AuditEvent

    with scope(municipality=town_a.municipality):
        services.rate(open_round, citizen, agreement=3, certainty=4)
        actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"complexity.round_opened", "complexity.rated"} <= actions


def test_exports_exclude_nothing_unexpected(town_a):
    with scopes_disabled():
        assert export_personal_data(town_a.owner)["complexity"] == {"ratings": []}


def test_round_csv_export(town_a, open_round, citizen, client):
    with scope(municipality=town_a.municipality):
        services.rate(open_round, citizen, agreement=5, certainty=1, role="borger", reason="X")
    response = client.get(open_round.get_absolute_url() + "csv/")
    assert response.status_code == 200
    assert response.content.startswith("\ufeff".encode())
    lines = response.content.decode("utf-8-sig").strip().splitlines()
    assert lines[0].startswith("Gruppe;Svar;Enighed (%)")
    assert lines[1].startswith("Alle;1;100;0;0;0;3;")
    assert len(lines) == 2  # the one citizen is not a role row of their own
    assert "X" not in response.content.decode("utf-8-sig").replace("xlsx", "")
    assert response["Content-Disposition"].endswith('.csv"')
    assert f"-runde-{open_round.number}-" in response["Content-Disposition"]
    book = client.get(open_round.get_absolute_url() + "xlsx/")
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(book.content)).active
    assert [c.value for c in sheet[2]][:7] == ["Alle", 1, 100, 0, 0, 0, 3]


def test_api_query_count_is_flat(town_a, challenge, client):
    code = town_a.municipality.code
    url = f"/api/municipalities/{code}/challenges/{challenge.pk}/assessment"
    counter = iter(range(1000))

    def add(n: int) -> None:
        with scope(municipality=town_a.municipality):
            for _ in range(n):
                round_ = services.open_round(challenge, town_a.owner)
                k = next(counter)
                person = make_rater(town_a, f"api{k}@kbh.test", Role.CITIZEN)
                services.rate(round_, person, agreement=3, certainty=3, role="borger")

    def fetch():
        assert client.get(url).status_code == 200

    assert_flat_query_count(fetch, add)
