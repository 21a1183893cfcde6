"""The person's notifications in their personal-data download, and gone with their account."""

from __future__ import annotations

from typing import Any

from samskab.notifications.models import EmailPreference, Notification


def export(person: Any) -> dict[str, Any]:
    pref = EmailPreference.objects.filter(person=person).first()
    return {
        "email_preferences": (
            {
                "replies": pref.replies,
                "moderation": pref.moderation,
                "status": pref.status,
                "digest": pref.digest,
            }
            if pref
            else None
        ),
        "notifications": [
            {
                "subject": n.subject,
                "body": n.body,
                "link": n.link,
                "created_at": n.created_at.isoformat(),
                "read_at": n.read_at.isoformat() if n.read_at else None,
            }
            for n in Notification.objects.filter(person=person).order_by("created_at", "id")
        ],
    }


def erase(person: Any) -> None:
    Notification.objects.filter(person=person).delete()
