"""Email notifications: one function to notify, a background task to send, signed unsubscribes.

Mail goes out through Django's mail framework from a background task (Django Tasks API), after
the transaction that caused it commits, so a rolled-back action never sends mail.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django_tasks import task

from samskab.accounts.models import User
from samskab.notifications.models import EmailPreference, Kind

_SALT = "samskab.unsubscribe"


def preference(person: User) -> EmailPreference:
    pref, _created = EmailPreference.objects.get_or_create(person=person)
    return pref


def unsubscribe_token(person_id: int, kind: str) -> str:
    return signing.dumps({"p": person_id, "k": kind}, salt=_SALT)


def read_unsubscribe_token(token: str) -> tuple[int, str] | None:
    try:
        data = signing.loads(token, salt=_SALT)
    except signing.BadSignature:
        return None
    if data.get("k") not in Kind.values:
        return None
    return int(data["p"]), str(data["k"])


def unsubscribe_url(person_id: int, kind: str) -> str:
    path = reverse(
        "notifications:unsubscribe", kwargs={"token": unsubscribe_token(person_id, kind)}
    )
    return settings.SITE_URL + path


def unsubscribe(person_id: int, kind: str) -> None:
    pref, _created = EmailPreference.objects.get_or_create(person_id=person_id)
    setattr(pref, kind, False)
    pref.save(update_fields=[kind])


@task()
def send_email(person_id: int, kind: str, subject: str, body: str) -> bool:
    """Send one notification in the person's language, with a working unsubscribe link."""
    person = User.objects.filter(pk=person_id, is_active=True).first()
    if person is None or not preference(person).wants(kind):
        return False
    link = unsubscribe_url(person.pk, kind)
    with translation.override(person.language):
        footer = _("Vil du ikke have flere af den slags mails? Afmeld her: %(link)s") % {
            "link": link
        }
    message = EmailMessage(
        subject=subject,
        body=f"{body}\n\n-- \n{footer}\n",
        to=[person.email],
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    message.send()
    return True


def notify(person: Any, kind: str, subject: str, body: str) -> None:
    """Queue a mail to `person` once the current transaction commits (if they want it)."""
    if person is None or not getattr(person, "is_active", False):
        return
    person_id = person.pk
    transaction.on_commit(lambda: send_email.enqueue(person_id, kind, subject, body))


def in_language(person: Any, text_factory: Any) -> str:
    """Render a message in the recipient's language, not the sender's."""
    with translation.override(getattr(person, "language", settings.LANGUAGE_CODE)):
        return str(text_factory())
