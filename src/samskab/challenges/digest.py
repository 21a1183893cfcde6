"""The daily digest: what happened yesterday in the challenges a person takes part in.

A person takes part in a challenge when they wrote, supported or commented on an idea in it.
Apps built on challenges add their own news through notifications.DIGEST_SECTIONS.
Run `samskab send_digests` once a day (cron or a systemd timer); each mail goes out through a
background task, and `last_digest_at` stops a second run the same day from sending twice.

What a person may see is decided when the digest is sent, not when they took part: someone who
lost a staff role, or whose challenge went back to awaiting approval, hears nothing of it. Each
municipality's data is read inside its own scope, and the whole run costs a fixed number of
queries per municipality with news, however many people and challenges it covers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import User
from samskab.accounts.roles import prime_roles
from samskab.challenges.models import Challenge, Comment, Idea, Support, Visibility
from samskab.municipalities.models import Municipality
from samskab.notifications.models import Kind
from samskab.notifications.services import (
    DIGEST_SECTIONS,
    digest_due,
    digest_recipients,
    mark_digest_sent,
    send_email,
)

MIN_INTERVAL = timedelta(hours=20)  # a second run the same day sends nothing


@dataclass
class Digest:
    person: User
    subject: str
    body: str


@dataclass
class _News:
    # (author id, time) of each new visible idea and comment in one challenge.
    ideas: list[tuple[int | None, datetime]]
    comments: list[tuple[int | None, datetime]]


def _municipalities_with_news(earliest: datetime) -> list[Municipality]:
    # Ids only, to know which municipalities' scopes to open; nothing else is read here.
    with scopes_disabled():
        ids = set(
            Idea.objects.filter(created_at__gte=earliest).values_list("municipality_id", flat=True)
        ) | set(
            Comment.objects.filter(created_at__gte=earliest).values_list(
                "municipality_id", flat=True
            )
        )
    return list(Municipality.objects.filter(pk__in=ids).order_by("pk"))


def _sections_in(
    municipality: Municipality, people: list[User], since: dict[int, datetime], earliest: datetime
) -> dict[int, list[tuple[Challenge, int, int]]]:
    """Per person: (challenge, new ideas, new comments) in this municipality's challenges they
    take part in and may view now. Six queries, whatever the numbers."""
    found: dict[int, list[tuple[Challenge, int, int]]] = defaultdict(list)
    with scope(municipality=municipality):
        news: dict[int, _News] = defaultdict(lambda: _News([], []))
        for challenge_id, author_id, at in Idea.objects.filter(
            municipality=municipality, created_at__gte=earliest, visibility=Visibility.VISIBLE
        ).values_list("challenge_id", "author_id", "created_at"):
            news[challenge_id].ideas.append((author_id, at))
        for challenge_id, author_id, at in Comment.objects.filter(
            municipality=municipality,
            created_at__gte=earliest,
            visibility=Visibility.VISIBLE,
            deleted_at__isnull=True,
            idea__visibility=Visibility.VISIBLE,
        ).values_list("idea__challenge_id", "author_id", "created_at"):
            news[challenge_id].comments.append((author_id, at))
        if not news:
            return found
        challenges = {
            c.pk: c
            for c in Challenge.objects.filter(
                municipality=municipality, pk__in=list(news)
            ).select_related("space", "municipality")
        }
        person_ids = digest_recipients().values("pk")
        taking_part: set[tuple[int, int]] = set()
        in_news = list(challenges)
        taking_part.update(
            Idea.objects.filter(challenge_id__in=in_news, author_id__in=person_ids).values_list(
                "author_id", "challenge_id"
            )
        )
        taking_part.update(
            Support.objects.filter(
                idea__challenge_id__in=in_news, person_id__in=person_ids
            ).values_list("person_id", "idea__challenge_id")
        )
        taking_part.update(
            Comment.objects.filter(
                idea__challenge_id__in=in_news, author_id__in=person_ids
            ).values_list("author_id", "idea__challenge_id")
        )
        for person in people:
            after = since[person.pk]
            for challenge_id in sorted(challenges, key=lambda pk: challenges[pk].title):
                if (person.pk, challenge_id) not in taking_part:
                    continue
                challenge = challenges[challenge_id]
                # The challenges app's own rule, checked now, not when they took part.
                if not person.has_perm("challenges.view_challenge", challenge):
                    continue
                item = news[challenge_id]
                ideas = sum(1 for a, at in item.ideas if at >= after and a != person.pk)
                comments = sum(1 for a, at in item.comments if at >= after and a != person.pk)
                if ideas or comments:
                    found[person.pk].append((challenge, ideas, comments))
    return found


def _other_sections(people: list[User], since: dict[int, datetime]) -> dict[int, list[str]]:
    """The lines of the sections other apps registered (notifications.DIGEST_SECTIONS), per
    person. Each section finds the municipalities with news of its own kind."""
    lines: dict[int, list[str]] = defaultdict(list)
    for section in DIGEST_SECTIONS:
        for person_id, found in section(people, since).items():
            lines[person_id].extend(found)
    return lines


def _body(sections: list[tuple[Challenge, int, int]], others: list[str]) -> str:
    parts = [
        _("%(title)s: %(ideas)s og %(comments)s.\n%(link)s")
        % {
            "title": challenge.title,
            "ideas": ngettext("%(n)d ny idé", "%(n)d nye idéer", ideas) % {"n": ideas},
            "comments": ngettext("%(n)d ny kommentar", "%(n)d nye kommentarer", comments)
            % {"n": comments},
            "link": settings.SITE_URL + challenge.get_absolute_url(),
        }
        for challenge, ideas, comments in sections
    ] + others
    return _("Her er det nye fra det seneste døgn:") + "\n\n" + "\n\n".join(parts)


def _compose(now: datetime) -> tuple[list[User], list[Digest]]:
    due, since = digest_due(now, MIN_INTERVAL)
    if not due:
        return due, []
    prime_roles(due)
    earliest = min(since.values())
    per_person: dict[int, list[tuple[Challenge, int, int]]] = defaultdict(list)
    for municipality in _municipalities_with_news(earliest):
        for person_id, sections in _sections_in(municipality, due, since, earliest).items():
            per_person[person_id].extend(sections)
    others = _other_sections(due, since)
    digests = []
    for person in due:
        if not per_person.get(person.pk) and not others.get(person.pk):
            continue
        with translation.override(person.language):
            body = _body(per_person.get(person.pk, []), others.get(person.pk, []))
            digests.append(Digest(person, _("Nyt fra Samskab"), body))
    return due, digests


def compose_digests(now: Any = None) -> list[Digest]:
    """The digests that are due now, one per person with news; sends and stores nothing."""
    return _compose(now or timezone.now())[1]


def send_digests(now: Any = None) -> int:
    """Queue one digest mail for each person with news; returns how many were queued."""
    now = now or timezone.now()
    due, digests = _compose(now)
    mark_digest_sent(due, now, MIN_INTERVAL)
    for digest in digests:
        key = f"digest:{digest.person.pk}:{now.isoformat()}"
        send_email.enqueue(digest.person.pk, Kind.DIGEST, digest.subject, digest.body, key=key)
    return len(digests)
