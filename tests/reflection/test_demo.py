from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from samskab.demo.content import EXTENSIONS, load_demo
from samskab.reflection.demo import ROOM, load_reflection_demo
from samskab.reflection.models import AnonymousEntry, Entry, Learning, Room

pytestmark = pytest.mark.django_db


def test_demo_has_a_room_entries_and_a_shared_learning_and_is_idempotent(kommuner, client):
    assert load_reflection_demo in EXTENSIONS
    demo = load_demo()
    load_demo()
    with scope(municipality=demo.municipality):
        room = Room.objects.get(title=ROOM)
        assert room.members.count() == 6
        assert Entry.objects.filter(visibility="private").count() == 1
        assert Entry.objects.filter(visibility="shared").count() == 3
        assert AnonymousEntry.objects.count() == 1
        assert Room.objects.filter(challenge__isnull=False).count() == 1
    with scopes_disabled():
        assert Learning.objects.filter(published_at__isnull=False).count() == 1
    html = client.get("/kommuner/laering/", {"q": "FRIVILLIGE"}).content.decode()
    assert "Inviter dem, der kender borgerne bedst" in html
