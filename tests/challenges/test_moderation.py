"""Flags, the moderator queue, hide/restore with reasons the author sees, and the audit trail."""

from __future__ import annotations

import pytest
from django.core import mail
from django_scopes import scope, scopes_disabled

from samskab.challenges import services
from samskab.challenges.models import ChallengeStatus, Comment, Flag, Visibility
from samskab.core.models import AuditEvent
from tests.challenges.conftest import add_idea

pytestmark = pytest.mark.django_db


def test_flag_then_moderator_hides_a_comment_with_a_reason(
    client, challenge, citizen, moderator, town_a, django_capture_on_commit_callbacks
):
    idea = add_idea(challenge, citizen)
    with scopes_disabled():
        comment = Comment.objects.create(
            municipality=challenge.municipality,
            idea=idea,
            author=town_a.member,
            body="Dumme idé, dumme folk",
        )
        idea.comment_count = 1
        idea.save()
    slug = challenge.municipality.slug
    client.force_login(citizen)
    response = client.post(
        f"/kommuner/{slug}/anmeld/kommentar/{comment.pk}/", {"reason": "Nedladende"}
    )
    assert response.status_code == 302
    again = client.post(f"/kommuner/{slug}/anmeld/kommentar/{comment.pk}/", {"reason": "Igen"})
    assert "allerede anmeldt" in again.content.decode()

    client.force_login(moderator)
    queue = client.get(f"/kommuner/{slug}/moderation/").content.decode()
    assert "Nedladende" in queue
    # Hiding needs a reason.
    client.post(f"/kommuner/{slug}/moderation/kommentar/{comment.pk}/", {"visibility": "hidden"})
    with scopes_disabled():
        comment.refresh_from_db()
    assert comment.visibility == Visibility.VISIBLE
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/kommuner/{slug}/moderation/kommentar/{comment.pk}/",
            {"visibility": "hidden", "reason": "Hold en venlig tone."},
        )
    with scope(municipality=challenge.municipality):
        comment.refresh_from_db()
        idea.refresh_from_db()
        assert comment.visibility == Visibility.HIDDEN
        assert idea.comment_count == 0
        assert not Flag.objects.filter(resolved_at__isnull=True).exists()
        event = AuditEvent.objects.get(action="comment.moderated")
        assert event.detail["reason"] == "Hold en venlig tone."
        assert event.actor == moderator
    assert mail.outbox[-1].to == [town_a.member.email]
    assert "Hold en venlig tone." in mail.outbox[-1].body

    url = f"/kommuner/{slug}/udfordringer/{challenge.pk}/ideer/{idea.pk}/"
    client.force_login(citizen)
    html = client.get(url).content.decode()
    assert "Dumme idé" not in html and "skjult af en moderator" in html
    client.force_login(town_a.member)  # the author sees why
    html = client.get(url).content.decode()
    assert "Hold en venlig tone." in html

    client.force_login(moderator)
    client.post(
        f"/kommuner/{slug}/moderation/kommentar/{comment.pk}/",
        {"visibility": "visible", "reason": "Efter dialog"},
    )
    with scope(municipality=challenge.municipality):
        idea.refresh_from_db()
        assert idea.comment_count == 1


def test_only_moderators_moderate(client, challenge, citizen, town_a):
    idea = add_idea(challenge, citizen)
    client.force_login(town_a.member)
    slug = challenge.municipality.slug
    assert client.get(f"/kommuner/{slug}/moderation/").status_code == 403
    response = client.post(
        f"/kommuner/{slug}/moderation/ide/{idea.pk}/", {"visibility": "hidden", "reason": "x"}
    )
    assert response.status_code == 404
    with scopes_disabled():
        idea.refresh_from_db()
    assert idea.visibility == Visibility.VISIBLE


def test_moderator_of_another_municipality_gets_404(client, towns, citizen, challenge):
    _, b = towns
    idea = add_idea(challenge, citizen)
    client.force_login(b.owner)  # administrator, but of Aarhus
    response = client.post(
        f"/kommuner/{challenge.municipality.slug}/moderation/ide/{idea.pk}/",
        {"visibility": "hidden", "reason": "x"},
    )
    assert response.status_code == 404


def test_citizen_proposes_a_challenge_and_a_moderator_approves(client, town_a, citizen, moderator):
    client.force_login(citizen)
    slug = town_a.municipality.slug
    response = client.post(
        f"/kommuner/{slug}/rum/{town_a.public_space.slug}/ny-udfordring/",
        {"title": "Flere bænke langs åen?", "allow_pseudonyms": "on"},
    )
    assert response.status_code == 302
    with scope(municipality=town_a.municipality):
        challenge = services.Challenge.objects.get(title="Flere bænke langs åen?")
    assert challenge.status == ChallengeStatus.PROPOSED
    client.force_login(town_a.member)
    assert client.get(challenge.get_absolute_url()).status_code == 404
    client.force_login(moderator)
    assert "Flere bænke" in client.get(f"/kommuner/{slug}/moderation/").content.decode()
    client.post(f"/kommuner/{slug}/udfordringer/{challenge.pk}/godkend/", {"approve": "1"})
    client.force_login(town_a.member)
    assert client.get(challenge.get_absolute_url()).status_code == 200


def test_challenge_dates_out_of_order_are_refused(client, town_a):
    client.force_login(town_a.owner)
    response = client.post(
        f"/kommuner/{town_a.municipality.slug}/rum/{town_a.public_space.slug}/ny-udfordring/",
        {"title": "Hvad nu?", "ideas_until": "2027-03-01", "prioritisation_until": "2027-02-01"},
    )
    assert "rækkefølge" in response.content.decode()
    with scope(municipality=town_a.municipality):
        assert not services.Challenge.objects.filter(title="Hvad nu?").exists()


def test_outcome_change_tells_author_and_supporters(
    client, challenge, citizen, town_a, django_capture_on_commit_callbacks
):
    idea = add_idea(challenge, citizen)
    with scopes_disabled():
        services.support(idea, town_a.member)
    client.force_login(town_a.owner)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            f"/kommuner/{challenge.municipality.slug}/udfordringer/{challenge.pk}/ideer/{idea.pk}/status/",
            {"outcome": "selected", "note": "Vi starter i foråret."},
        )
    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([citizen.email, town_a.member.email])
    assert all("Vi starter i foråret." in m.body for m in mail.outbox)
