"""A refused page (403) writes one line to the log, not a traceback."""

from __future__ import annotations

import logging

import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_a_403_is_logged_as_one_line_without_a_traceback(client, town_a, caplog):
    client.force_login(town_a.outsider)
    url = reverse("municipalities:open_movement", args=[town_a.municipality.slug])
    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.get(url)
    assert response.status_code == 403
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert url in records[0].getMessage()
    assert records[0].exc_info is None
    assert "Traceback" not in caplog.text


@pytest.mark.django_db
def test_a_lone_surrogate_in_api_json_is_a_400_with_a_clear_message_and_stores_nothing(
    client, town_a
):
    from django_scopes import scope

    from samskab.challenges import services
    from samskab.challenges.models import Idea

    with scope(municipality=town_a.municipality):
        challenge = services.pose_challenge(
            town_a.public_space, town_a.owner, title="Hvordan mindsker vi ensomhed blandt ældre?"
        )
    client.force_login(town_a.owner)
    url = f"/api/municipalities/{challenge.municipality.code}/challenges/{challenge.pk}/ideas"
    body = '{"title": "B\\ud800nke ved åen", "body": "Så ældre kan hvile sig."}'
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert "ugyldigt tegn" in response.json()["detail"]
    with scope(municipality=challenge.municipality):
        assert not Idea.objects.exists()
    # Other refusals keep ninja's own answer.
    broken = client.post(url, "{not json", content_type="application/json")
    assert broken.status_code == 400
