"""Email notifications: one function to notify, a background task to send, signed unsubscribes.

Mail goes out through Django's mail framework from a background task (Django Tasks API), after
the transaction that caused it commits, so a rolled-back action never sends mail.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled
from django_tasks import task

from samskab.accounts.models import Membership, User
from samskab.core.errors import ServiceError
from samskab.core.models import record
from samskab.notifications.models import EmailPreference, Kind, Notification, SentMail

if TYPE_CHECKING:
    pass

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


def _record_for(person: User, action: str, **detail: Any) -> None:
    """Log a change to the person's own settings in each municipality they belong to: the log is
    kept per municipality, and these settings belong to no single one of them."""
    # A person's own memberships span municipalities by nature (as in accounts.roles).
    with scopes_disabled():
        ids = sorted(
            set(Membership.objects.filter(person=person).values_list("municipality_id", flat=True))
        )
    for municipality_id in ids:
        record(municipality_id, person, action, person, **detail)


def unsubscribe(person_id: int, kind: str) -> None:
    """Stop one kind of mail. The caller has checked the signed link, which is the person's
    permission: it was sent to them alone."""
    if kind not in Kind.values:
        raise ServiceError(_("Den slags mails kender vi ikke."))
    person = User.objects.filter(pk=person_id).first()
    if person is None:
        raise ServiceError(_("Linket virker ikke længere."))
    with transaction.atomic():
        pref, _created = EmailPreference.objects.get_or_create(person=person)
        setattr(pref, kind, False)
        pref.save(update_fields=[kind])
        _record_for(person, "notifications.unsubscribed", kind=kind)


def save_preferences(
    person: User, actor: Any, *, replies: bool, moderation: bool, status: bool, digest: bool
) -> EmailPreference:
    """The person chooses which mails they want; no one else may choose for them."""
    if not getattr(actor, "is_authenticated", False) or actor.pk != person.pk:
        raise ServiceError(_("Du kan kun vælge, hvilke mails du selv får."))
    choices = {"replies": replies, "moderation": moderation, "status": status, "digest": digest}
    choices = {kind: bool(value) for kind, value in choices.items()}
    with transaction.atomic():
        pref, _created = EmailPreference.objects.get_or_create(person=person)
        for kind, value in choices.items():
            setattr(pref, kind, value)
        pref.save(update_fields=list(choices))
        _record_for(person, "notifications.preferences_saved", **choices)
    return pref


def site_name(municipality: Any = None) -> str:
    """The name a mail signs with: Samskab, and the municipality's name where there is one."""
    name = getattr(settings, "SITE_NAME", "Samskab")
    return f"{name} · {municipality}" if municipality else name


def absolute(link: str) -> str:
    """A link on this site as an address that works from a mail (SITE_URL, one way for all)."""
    if not link or link.startswith(("http://", "https://")):
        return link
    return settings.SITE_URL + link


@task()
def send_email(
    person_id: int,
    kind: str,
    subject: str,
    body: str,
    link: str = "",
    place: str = "",
    key: str = "",
) -> bool:
    """Send one notification in the person's language: a greeting, the news, a link to what it
    is about, Samskab's and the municipality's name, and a working unsubscribe link.

    ``key`` names the mail: once it has gone out, the same task run again (its worker killed
    after sending, before the queue heard) sends nothing. A mail that fails to send frees its
    key, so the next try sends it."""
    person = User.objects.filter(pk=person_id, is_active=True).first()
    if person is None or not preference(person).wants(kind):
        return False
    if key:
        try:
            with transaction.atomic():
                SentMail.objects.create(person=person, key=key)
        except IntegrityError:
            return False
    unsubscribe_link = unsubscribe_url(person.pk, kind)
    sender = site_name(place or None)
    with translation.override(person.language):
        parts = [_("Hej %(name)s") % {"name": person.public_name}, body.strip()]
        address = absolute(link)
        if address and address not in body:
            parts.append(_("Se det her: %(link)s") % {"link": address})
        parts.append(_("Venlig hilsen\n%(sender)s") % {"sender": sender})
        footer = _("Vil du ikke have flere af den slags mails? Afmeld her: %(link)s") % {
            "link": unsubscribe_link
        }
    message = EmailMessage(
        subject=subject,
        body="\n\n".join(parts) + f"\n\n-- \n{footer}\n",
        to=[person.email],
        headers={
            "List-Unsubscribe": f"<{unsubscribe_link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )
    try:
        message.send()
    except BaseException:
        if key:
            SentMail.objects.filter(key=key).delete()
        raise
    return True


def notify(
    person: Any,
    kind: str,
    subject: str,
    body: str,
    *,
    link: str = "",
    municipality: Any = None,
) -> None:
    """Tell `person` something: a row in their in-app list now (in the caller's transaction, so
    a rolled-back action leaves none) and a mail once the transaction commits (if they want it).

    `subject` and `body` are already in the recipient's language (see `in_language`); `link` is
    the path of what it is about, which the person may open; `municipality` where it happened."""
    if person is None or not getattr(person, "is_active", False):
        return
    path = link[len(settings.SITE_URL) :] if link.startswith(settings.SITE_URL) else link
    if not path.startswith("/") or path.startswith("//"):
        path = ""  # only this site's own pages, never an address elsewhere
    notification = Notification.objects.create(
        person=person,
        municipality=municipality,
        kind=kind,
        subject=subject[:300],
        body=body,
        link=path[:500],
    )
    person_id = person.pk
    place = str(municipality) if municipality is not None else ""
    key = f"notification:{notification.pk}"
    transaction.on_commit(
        lambda: send_email.enqueue(person_id, kind, subject, body, path, place, key)
    )


def notifications_for(person: Any, *, limit: int = 50) -> list[Notification]:
    """The person's own notifications, newest first (one query); no one else's, ever."""
    if not getattr(person, "is_authenticated", False):
        return []
    return list(Notification.objects.filter(person=person).select_related("municipality")[:limit])


def unread_count(person: Any) -> int:
    """How many of the person's notifications they have not marked as read (one query)."""
    if not getattr(person, "is_authenticated", False):
        return 0
    return Notification.objects.filter(person=person, read_at__isnull=True).count()


def mark_read(person: User, actor: Any, *, notification_id: int | None = None) -> int:
    """Mark one (or all) of the person's notifications as read. Only the person may."""
    if not getattr(actor, "is_authenticated", False) or actor.pk != person.pk:
        raise ServiceError(_("Du kan kun markere dine egne notifikationer."))
    rows = Notification.objects.filter(person=person, read_at__isnull=True)
    if notification_id is not None:
        rows = rows.filter(pk=notification_id)
    with transaction.atomic():
        changed = rows.update(read_at=timezone.now())
        if changed:
            _record_for(person, "notifications.read", count=changed)
    return changed


def in_language(person: Any, text_factory: Any) -> str:
    """Render a message in the recipient's language, not the sender's."""
    with translation.override(getattr(person, "language", settings.LANGUAGE_CODE)):
        return str(text_factory())


# --------------------------------------------------------------------------------------------
# The daily digest's bookkeeping. What goes in a digest is the challenges app's business
# (challenges.digest); who wants one and when each last got one is kept here.
# --------------------------------------------------------------------------------------------


# More news for the digest from apps the challenges app may not import (they import it): each
# section gets the people due and since when each has news, finds the municipalities with news
# of its kind itself, and returns the finished lines per person id, written in each person's
# language. A section's queries must not grow with the number of people it is given; register it
# from an AppConfig.ready().
DigestSection = Callable[[list[User], dict[int, datetime]], dict[int, list[str]]]
DIGEST_SECTIONS: list[DigestSection] = []


def digest_recipients() -> QuerySet[User]:
    return User.objects.filter(is_active=True).exclude(email_preference__digest=False)


def digest_due(now: datetime, min_interval: timedelta) -> tuple[list[User], dict[int, datetime]]:
    """The people who want the digest and have not had one within `min_interval`, and since when
    each has news (the last digest, or a day back for someone who never had one)."""
    people = list(digest_recipients())
    last = dict(
        EmailPreference.objects.filter(person__in=digest_recipients()).values_list(
            "person_id", "last_digest_at"
        )
    )
    due, since = [], {}
    for person in people:
        sent_at = last.get(person.pk)
        if sent_at and now - sent_at < min_interval:
            continue
        due.append(person)
        since[person.pk] = sent_at or now - timedelta(days=1)
    return due, since


def mark_digest_sent(due: list[User], now: datetime, min_interval: timedelta) -> None:
    """Note that the people `digest_due` chose got their digest now, in two queries."""
    if not due:
        return
    EmailPreference.objects.bulk_create(
        [EmailPreference(person_id=p.pk) for p in due], ignore_conflicts=True, batch_size=500
    )
    EmailPreference.objects.filter(person__in=digest_recipients()).filter(
        Q(last_digest_at__isnull=True) | Q(last_digest_at__lte=now - min_interval)
    ).update(last_digest_at=now)
