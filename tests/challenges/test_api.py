"""The challenges API: same rules and services as the pages; 4xx JSON for refused input."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from samskab.challenges.models import Idea, Support
from samskab.challenges.phases import Phase
from tests.challenges.conftest import add_idea

pytestmark = pytest.mark.django_db


def base(challenge):
    return f"/api/municipalities/{challenge.municipality.code}/challenges/{challenge.pk}"


def test_list_and_submit_ideas(client, challenge, citizen):
    client.force_login(citizen)
    response = client.post(
        base(challenge) + "/ideas",
        {"title": "Bænke ved åen", "body": "Så ældre kan hvile sig."},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["title"] == "Bænke ved åen"
    listed = client.get(base(challenge) + "/ideas").json()
    assert [i["title"] for i in listed] == ["Bænke ved åen"]


def test_bad_idea_is_a_400_with_a_danish_message(client, challenge, citizen):
    client.force_login(citizen)
    response = client.post(
        base(challenge) + "/ideas", {"title": "", "body": "x"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert "påkrævet" in str(response.json()["detail"])
    with scope(municipality=challenge.municipality):
        assert not Idea.objects.exists()


def test_anonymous_cannot_post(client, challenge):
    response = client.post(
        base(challenge) + "/ideas",
        {"title": "Hej med dig", "body": "Lang nok tekst"},
        content_type="application/json",
    )
    assert response.status_code == 401


def test_double_support_is_refused(client, challenge, citizen, town_a):
    # Someone else's idea: nobody supports their own.
    idea = add_idea(challenge, town_a.member)
    client.force_login(citizen)
    url = base(challenge) + f"/ideas/{idea.pk}/support"
    assert client.post(url).status_code == 204
    second = client.post(url)
    assert second.status_code == 400
    assert second.json()["detail"] == "Du støtter allerede idéen."
    with scope(municipality=challenge.municipality):
        assert Support.objects.count() == 1
    assert client.delete(url).status_code == 204


def test_comments_and_pairwise_over_the_api(
    client, challenge, citizen, django_capture_on_commit_callbacks
):
    ideas = [add_idea(challenge, citizen, f"Idé {i}") for i in range(3)]
    client.force_login(citizen)
    url = base(challenge) + f"/ideas/{ideas[0].pk}/comments"
    assert client.post(url, {"body": "God idé"}, content_type="application/json").status_code == 201
    assert [c["body"] for c in client.get(url).json()] == ["God idé"]
    # Wrong phase for comparisons
    pair_url = base(challenge) + "/comparisons"
    payload = {"left_id": ideas[0].pk, "right_id": ideas[1].pk, "choice": "left"}
    assert client.post(pair_url, payload, content_type="application/json").status_code == 400
    with scopes_disabled():
        challenge.phase = Phase.PRIORITISATION
        challenge.save()
    pair = client.get(base(challenge) + "/pair").json()
    assert pair["left"]["id"] != pair["right"]["id"]
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(pair_url, payload, content_type="application/json").status_code == 201
    ranking = client.get(base(challenge) + "/ranking").json()
    assert ranking["n_comparisons"] == 1
    assert len(ranking["ideas"]) == 3


def test_foreign_challenge_is_404_on_the_api(client, towns, citizen):
    from samskab.challenges import services

    a, b = towns
    with scopes_disabled():
        foreign = services.pose_challenge(b.staff_space, b.owner, title="Internt spørgsmål?")
    client.force_login(a.owner)
    # Under its own municipality (staff space of Aarhus) and under another's code.
    assert client.get(base(foreign) + "/ideas").status_code == 404
    wrong = f"/api/municipalities/{a.municipality.code}/challenges/{foreign.pk}/ideas"
    assert client.get(wrong).status_code == 404


def test_export_has_no_personal_data(client, challenge, citizen, town_a):
    idea = add_idea(challenge, citizen)
    with scopes_disabled():
        from samskab.challenges import services

        services.support(idea, town_a.member)
    data = client.get(base(challenge) + "/export").json()
    text = str(data)
    for secret in (citizen.email, citizen.display_name, citizen.pseudonym, town_a.member.email):
        assert secret not in text
    assert data["ideas"][0]["support_count"] == 1
    csv = client.get(
        f"/kommuner/{challenge.municipality.slug}/udfordringer/{challenge.pk}/eksport/ideer.csv"
    )
    assert csv["Content-Type"].startswith("text/csv")
    assert "Støtter" in csv.content.decode("utf-8-sig").splitlines()[0]
