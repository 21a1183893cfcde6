"""The daily digest tells idea authors and supporters what became of their ideas, also when they
switched off the immediate status mails."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from samskab.challenges.digest import compose_digests, send_digests
from samskab.challenges.models import Idea
from samskab.initiatives import services
from samskab.initiatives.models import Initiative, Status
from samskab.notifications.models import EmailPreference

pytestmark = pytest.mark.django_db


def _started(w) -> None:
    with scope(municipality=w.municipality):
        services.link_idea(w.initiative, w.facilitator, w.idea)
        services.set_status(w.initiative, w.facilitator, status=Status.STARTED)


def _digest_for(person, now=None) -> str | None:
    return next((d.body for d in compose_digests(now) if d.person.pk == person.pk), None)


def test_status_news_reaches_a_supporter_who_switched_off_status_mails(world):
    w = world
    EmailPreference.objects.update_or_create(person=w.supporter, defaults={"status": False})
    _started(w)
    mail.outbox.clear()
    assert send_digests() >= 1
    [body] = [m.body for m in mail.outbox if m.to == [w.supporter.email]]
    assert "»Spisefællesskaber« har fået status: I gang (25 % færdigt)" in body
    assert settings.SITE_URL + w.initiative.get_absolute_url() in body
    # The one who changed it gets no news of their own change.
    assert not any(
        "Spisefællesskaber" in m.body for m in mail.outbox if m.to == [w.facilitator.email]
    )


def test_no_news_of_an_initiative_the_person_may_no_longer_see(world):
    w = world
    _started(w)
    with scopes_disabled():
        Initiative.objects.filter(pk=w.initiative.pk).update(space=w.town.staff_space)
        hidden = Initiative.objects.get(pk=w.initiative.pk)
    assert not w.supporter.has_perm("initiatives.view_initiative", hidden)
    assert "Spisefællesskaber" not in (_digest_for(w.supporter) or "")


def test_each_update_is_told_once(world):
    w = world
    with scope(municipality=w.municipality):
        # The supporter is behind two of the initiative's ideas: one written, one supported.
        own = Idea.objects.create(
            municipality=w.municipality,
            challenge=w.challenge,
            author=w.supporter,
            title="Madklub",
            body="Om fredagen.",
        )
        services.link_idea(w.initiative, w.facilitator, own)
    _started(w)
    now = timezone.now()
    send_digests(now)
    bodies = [m.body for m in mail.outbox if m.to == [w.supporter.email]]
    assert len(bodies) == 1 and bodies[0].count("I gang (25 % færdigt)") == 1
    mail.outbox.clear()
    # The next day's digest does not tell it again.
    send_digests(now + timedelta(days=1))
    assert not any("Spisefællesskaber" in m.body for m in mail.outbox)


def test_the_news_is_in_english_for_a_person_who_reads_english(world):
    w = world
    assert w.author.language == "en"
    _started(w)
    body = _digest_for(w.author)
    assert body is not None
    assert body.startswith("Here is what is new from the past day:")
    assert "Spisefællesskaber" in body and "Under way" in body
    assert "I gang" not in body
