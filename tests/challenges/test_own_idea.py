"""An author cannot support or flag their own idea: no button, the service and the API refuse."""

from __future__ import annotations

import pytest
from django_scopes import scope

from samskab.challenges import services
from samskab.challenges.models import Flag, Support
from samskab.core.errors import ServiceError
from tests.challenges.conftest import add_idea

pytestmark = pytest.mark.django_db


def idea_url(idea, suffix=""):
    c = idea.challenge
    return f"/kommuner/{c.municipality.slug}/udfordringer/{c.pk}/ideer/{idea.pk}/{suffix}"


def api(idea, suffix=""):
    c = idea.challenge
    return f"/api/municipalities/{c.municipality.code}/challenges/{c.pk}/ideas/{idea.pk}/{suffix}"


def main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def test_the_author_sees_no_support_or_flag_button(client, challenge, citizen, town_a):
    idea = add_idea(challenge, citizen)
    client.force_login(citizen)
    mine = main(client.get(idea_url(idea)))
    assert "Støt idéen" not in mine and "Anmeld idéen" not in mine
    # Someone else sees both.
    client.force_login(town_a.member)
    theirs = main(client.get(idea_url(idea)))
    assert "Støt idéen" in theirs and "Anmeld idéen" in theirs


def test_the_service_refuses_own_support_and_flag(challenge, citizen, town_a):
    idea = add_idea(challenge, citizen)
    with scope(municipality=challenge.municipality):
        with pytest.raises(ServiceError, match="Du kan ikke støtte din egen idé."):
            services.support(idea, citizen)
        with pytest.raises(ServiceError, match="Du kan ikke anmelde din egen idé."):
            services.flag(citizen, idea, reason="Test")
        assert not Support.objects.exists() and not Flag.objects.exists()
        idea.refresh_from_db()
        assert idea.support_count == 0
        # Others may.
        services.support(idea, town_a.member)
        services.flag(town_a.member, idea, reason="Den er stødende.")
        assert Support.objects.count() == 1 == Flag.objects.count()


def test_the_pages_refuse_own_support_and_flag(client, challenge, citizen):
    idea = add_idea(challenge, citizen)
    client.force_login(citizen)
    response = client.post(idea_url(idea, "stoet/"), follow=True)
    assert "Du kan ikke støtte din egen idé." in response.content.decode()
    flag_url = f"/kommuner/{challenge.municipality.slug}/anmeld/ide/{idea.pk}/"
    response = client.post(flag_url, {"reason": "Min egen."})
    assert "Du kan ikke anmelde din egen idé." in main(response)
    with scope(municipality=challenge.municipality):
        assert not Support.objects.exists() and not Flag.objects.exists()


def test_the_api_refuses_own_support(client, challenge, citizen):
    idea = add_idea(challenge, citizen)
    client.force_login(citizen)
    response = client.post(api(idea, "support"))
    assert response.status_code == 400
    assert response.json()["detail"] == "Du kan ikke støtte din egen idé."
    with scope(municipality=challenge.municipality):
        assert not Support.objects.exists()


def test_the_author_may_flag_a_comment_by_someone_else(client, challenge, citizen, town_a):
    idea = add_idea(challenge, citizen)
    with scope(municipality=challenge.municipality):
        comment = services.add_comment(idea, town_a.member, body="Noget grimt.")
        own = services.add_comment(idea, citizen, body="Mit svar.")
        with pytest.raises(ServiceError, match="din egen kommentar"):
            services.flag(citizen, own, reason="Fortryder.")
    client.force_login(citizen)
    page = main(client.get(idea_url(idea)))
    assert f"/anmeld/kommentar/{comment.pk}/" in page
    assert f"/anmeld/kommentar/{own.pk}/" not in page
    with scope(municipality=challenge.municipality):
        services.flag(citizen, comment, reason="Den er grim.")
        assert Flag.objects.filter(comment=comment).count() == 1
