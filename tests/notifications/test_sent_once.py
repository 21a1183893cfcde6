"""A mail goes out once: the same send task run again (its worker killed after sending, before
the queue heard, and the task reaper starting it over) sends nothing, and a mail that failed to
send is sent by the next try."""

from __future__ import annotations

import socket

import pytest
from django.core import mail

from samskab.notifications.models import Kind, Notification, SentMail
from samskab.notifications.services import notify, send_email
from tests.conftest import make_person

pytestmark = pytest.mark.django_db


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_the_same_notification_mail_run_again_is_not_sent_again(
    django_capture_on_commit_callbacks,
):
    person = make_person("mia@borger.dk")
    with django_capture_on_commit_callbacks(execute=True):
        notify(person, Kind.REPLIES, "Nyt svar", "Der er et svar til dig.", link="/mig/")
    assert len(mail.outbox) == 1
    note = Notification.objects.get(person=person)
    again = send_email.call(
        person.pk,
        Kind.REPLIES,
        "Nyt svar",
        "Der er et svar til dig.",
        "/mig/",
        "",
        f"notification:{note.pk}",
    )
    assert again is False and len(mail.outbox) == 1
    # Another notification is another mail.
    with django_capture_on_commit_callbacks(execute=True):
        notify(person, Kind.REPLIES, "Nyt svar", "Et svar mere.")
    assert len(mail.outbox) == 2


def test_a_mail_that_failed_to_send_is_sent_by_the_next_try(settings):
    person = make_person("ole@borger.dk")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", _closed_port()
    settings.EMAIL_TIMEOUT = 5
    with pytest.raises(OSError):
        send_email.call(person.pk, Kind.DIGEST, "Nyt fra Samskab", "Nyheder", key="digest:t1")
    assert not SentMail.objects.filter(key="digest:t1").exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_email.call(person.pk, Kind.DIGEST, "Nyt fra Samskab", "Nyheder", key="digest:t1")
    assert [m.subject for m in mail.outbox] == ["Nyt fra Samskab"]


def test_the_record_of_sent_mails_goes_with_the_account():
    person = make_person("eva@borger.dk")
    assert send_email.call(person.pk, Kind.DIGEST, "Nyt", "Nyheder", key="digest:t2")
    person.delete()
    assert not SentMail.objects.exists()
