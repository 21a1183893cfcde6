"""When a person deletes their account, their private reflections go with it.

`accounts.personal_data.delete_account` anonymises the person and keeps what they contributed:
their shared entries stay (shown as "Slettet deltager"). A private entry was never a contribution
to anyone, so keeping it would only keep personal data nobody may read; it is deleted, as are the
person's room memberships. Registered in `accounts.personal_data.ERASERS`.
"""

from __future__ import annotations

from typing import Any


def forget_private_reflections(person: Any) -> None:
    from samskab.reflection.models import Entry, RoomMember, Visibility

    Entry.objects.filter(author_id=person.pk, visibility=Visibility.PRIVATE).delete()
    RoomMember.objects.filter(person_id=person.pk).delete()
