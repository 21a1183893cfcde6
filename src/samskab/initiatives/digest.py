"""The initiatives' part of the daily digest: what became of the ideas a person wrote or supported.

Status mails go out at once (notifications kind "status"); someone who switched those off but
keeps the digest reads the same news here. The challenges app composes the digest and may not
import this app, so this section is registered in notifications.DIGEST_SECTIONS from apps.py.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import User
from samskab.challenges.models import Idea, Support
from samskab.initiatives.models import InitiativeIdea, Status, Update
from samskab.municipalities.models import Municipality


def initiative_news(people: list[User], since: dict[int, datetime]) -> dict[int, list[str]]:
    """The section registered in notifications.DIGEST_SECTIONS: the municipalities with status
    updates since the earliest last digest are found in one query, and only they are read."""
    if not people:
        return {}
    earliest = min(since[person.pk] for person in people)
    with scopes_disabled():
        ids = set(Update.objects.filter(at__gte=earliest).values_list("municipality_id", flat=True))
    lines: dict[int, list[str]] = defaultdict(list)
    for municipality in Municipality.objects.filter(pk__in=ids).order_by("pk"):
        for person_id, found in _news_in(municipality, people, since).items():
            lines[person_id].extend(found)
    return lines


def _news_in(
    municipality: Municipality, people: list[User], since: dict[int, datetime]
) -> dict[int, list[str]]:
    """Per person id: one line per status update since their last digest, of the initiatives in
    this municipality that carry an idea they wrote or supported and that they may view now.

    At most four queries, however many people and initiatives."""
    if not people:
        return {}
    earliest = min(since[person.pk] for person in people)
    lines: dict[int, list[str]] = {}
    with scope(municipality=municipality):
        updates = list(
            Update.objects.filter(municipality=municipality, at__gte=earliest)
            .select_related("initiative__space", "initiative__municipality")
            .order_by("at", "id")
        )
        if not updates:
            return lines
        initiative_ids = {update.initiative_id for update in updates}
        ideas_of: dict[int, set[int]] = defaultdict(set)
        for initiative_id, idea_id in InitiativeIdea.objects.filter(
            initiative_id__in=initiative_ids
        ).values_list("initiative_id", "idea_id"):
            ideas_of[initiative_id].add(idea_id)
        idea_ids = set().union(*ideas_of.values()) if ideas_of else set()
        if not idea_ids:
            return lines
        person_ids = {person.pk for person in people}
        # A person who both wrote and supported an idea, or is behind two of an initiative's
        # ideas, is behind it once: sets, not lists.
        behind: dict[int, set[int]] = defaultdict(set)  # idea id → people
        for idea_id, author_id in Idea.objects.filter(
            pk__in=idea_ids, author_id__in=person_ids
        ).values_list("pk", "author_id"):
            behind[idea_id].add(author_id)
        for idea_id, person_id in Support.objects.filter(
            idea_id__in=idea_ids, person_id__in=person_ids
        ).values_list("idea_id", "person_id"):
            behind[idea_id].add(person_id)
        for person in people:
            after = since[person.pk]
            mine = {
                initiative_id
                for initiative_id, ideas in ideas_of.items()
                if any(person.pk in behind[idea_id] for idea_id in ideas)
            }
            found = [
                update
                for update in updates
                if update.initiative_id in mine
                and update.at >= after
                # Their own change is no news to them, as in the challenges' part.
                and update.by_id != person.pk
                # Checked now: someone who may no longer see the initiative hears nothing of it.
                and person.has_perm("initiatives.view_initiative", update.initiative)
            ]
            if found:
                with translation.override(person.language):
                    lines[person.pk] = [_line(update) for update in found]
    return lines


def _line(update: Update) -> str:
    initiative = update.initiative
    return _(
        "Initiativet »%(title)s« har fået status: %(status)s (%(progress)d %% færdigt).\n%(link)s"
    ) % {
        "title": initiative.title,
        "status": Status(update.status).label,
        "progress": update.progress,
        "link": settings.SITE_URL + initiative.get_absolute_url(),
    }
