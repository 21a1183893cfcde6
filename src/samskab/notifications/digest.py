"""The daily digest: what happened yesterday in the challenges a person takes part in.

A person takes part in a challenge when they wrote, supported or commented on an idea in it.
Run `samskab send_digests` once a day (cron or a systemd timer); each mail goes out through a
background task, and `last_digest_at` stops a second run the same day from sending twice.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from samskab.accounts.models import User
from samskab.challenges.models import Challenge, Comment, Idea, Visibility
from samskab.notifications.models import EmailPreference, Kind
from samskab.notifications.services import send_email

MIN_INTERVAL = timedelta(hours=20)


def digest_text(person: User, since: object) -> str | None:
    """The digest body for one person, or None when nothing new happened."""
    with scopes_disabled():
        challenges = (
            Challenge.objects.filter(
                Q(ideas__author=person)
                | Q(ideas__supports__person=person)
                | Q(ideas__comments__author=person)
            )
            .distinct()
            .select_related("municipality")
        )
        sections = []
        for challenge in challenges:
            new_ideas = (
                Idea.objects.filter(
                    challenge=challenge, created_at__gte=since, visibility=Visibility.VISIBLE
                )
                .exclude(author=person)
                .count()
            )
            new_comments = (
                Comment.objects.filter(
                    idea__challenge=challenge,
                    created_at__gte=since,
                    visibility=Visibility.VISIBLE,
                    deleted_at__isnull=True,
                )
                .exclude(author=person)
                .count()
            )
            if new_ideas or new_comments:
                sections.append(
                    _("%(title)s: %(ideas)d nye idéer og %(comments)d nye kommentarer.\n%(link)s")
                    % {
                        "title": challenge.title,
                        "ideas": new_ideas,
                        "comments": new_comments,
                        "link": settings.SITE_URL + challenge.get_absolute_url(),
                    }
                )
    if not sections:
        return None
    return _("Her er det nye fra det seneste døgn:") + "\n\n" + "\n\n".join(sections)


def send_digests(now: object = None) -> int:
    """Queue one digest mail for each person with news; returns how many were queued."""
    now = now or timezone.now()
    sent = 0
    people = User.objects.filter(is_active=True).exclude(email_preference__digest=False)
    for person in people.iterator():
        pref, _created = EmailPreference.objects.get_or_create(person=person)
        if pref.last_digest_at and now - pref.last_digest_at < MIN_INTERVAL:
            continue
        since = pref.last_digest_at or now - timedelta(days=1)
        with translation.override(person.language):
            body = digest_text(person, since)
            subject = _("Nyt fra Samskab")
        pref.last_digest_at = now
        pref.save(update_fields=["last_digest_at"])
        if body:
            send_email.enqueue(person.pk, Kind.DIGEST, subject, body)
            sent += 1
    return sent
