"""Mail preferences, working unsubscribe links, and the daily digest."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scopes_disabled

from samskab.challenges.digest import send_digests
from samskab.challenges.models import Comment
from samskab.notifications.models import EmailPreference, Kind
from samskab.notifications.services import notify, unsubscribe_token
from tests.challenges.conftest import add_idea, challenge, citizen  # noqa: F401 - fixtures
from tests.conftest import make_person

pytestmark = pytest.mark.django_db


def test_mail_carries_a_working_unsubscribe_link(client, django_capture_on_commit_callbacks):
    person = make_person("karen@borger.dk")
    with django_capture_on_commit_callbacks(execute=True):
        notify(person, Kind.REPLIES, "Nyt svar", "Der er et svar til dig.")
    message = mail.outbox[0]
    link = re.search(r"http://\S+/konto/afmeld/\S+/", message.body).group(0)
    assert message.extra_headers["List-Unsubscribe"] == f"<{link}>"
    path = link.split("8000", 1)[1]
    assert "Vil du afmelde" in client.get(path).content.decode()
    response = client.post(path)
    assert "Du får ikke længere mails om" in response.content.decode()
    assert EmailPreference.objects.get(person=person).replies is False
    with django_capture_on_commit_callbacks(execute=True):
        notify(person, Kind.REPLIES, "Nyt svar", "Igen")
        notify(person, Kind.STATUS, "Status", "Andet emne")
    assert [m.subject for m in mail.outbox[1:]] == ["Status"]


def test_one_click_unsubscribe_needs_no_login_or_csrf(client):
    person = make_person("a@b.dk")
    token = unsubscribe_token(person.pk, Kind.DIGEST)
    csrf_client = client.__class__(enforce_csrf_checks=True)
    assert csrf_client.post(f"/konto/afmeld/{token}/").status_code == 200
    assert EmailPreference.objects.get(person=person).digest is False


def test_tampered_token_changes_nothing(client):
    person = make_person("a@b.dk")
    token = unsubscribe_token(person.pk, Kind.DIGEST)[:-2] + "xx"
    response = client.post(f"/konto/afmeld/{token}/")
    assert response.status_code == 400
    assert not EmailPreference.objects.filter(person=person, digest=False).exists()


def test_mail_is_written_in_the_recipients_language(django_capture_on_commit_callbacks):
    person = make_person("eng@lish.dk")
    person.language = "en"
    person.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify(person, Kind.REPLIES, "Subject", "Body")
    assert "Unsubscribe here" in mail.outbox[0].body


def test_daily_digest_sends_news_once(challenge, citizen):  # noqa: F811
    idea = add_idea(challenge, citizen)
    neighbour = make_person("nabo@borger.dk")
    with scopes_disabled():
        Comment.objects.create(
            municipality=challenge.municipality, idea=idea, author=neighbour, body="Fin idé"
        )
        add_idea(challenge, neighbour, "Endnu en idé")
    assert send_digests() == 2  # both take part; each hears of the other's news
    to_citizen = next(m for m in mail.outbox if m.to == [citizen.email])
    assert "1 ny idé og 1 ny kommentar" in to_citizen.body
    assert send_digests() == 0  # not twice the same day
    later = timezone.now() + timezone.timedelta(days=1)
    assert send_digests(now=later) == 0  # nothing new since


def test_preferences_page(client):
    person = make_person("a@b.dk")
    client.force_login(person)
    assert client.get("/konto/beskeder/").status_code == 200
    client.post("/konto/beskeder/", {"replies": "on", "moderation": "on"})
    pref = EmailPreference.objects.get(person=person)
    assert (pref.replies, pref.moderation, pref.status, pref.digest) == (True, True, False, False)
