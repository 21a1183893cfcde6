from __future__ import annotations

import pytest
from django_scopes import scope

from samskab.demo.content import EXTENSIONS, load_demo
from samskab.opinions.demo import TITLE, load_opinions_demo
from samskab.opinions.models import Conversation, ConversationAnalysis, Participant, Vote

pytestmark = pytest.mark.django_db


def test_demo_has_a_conversation_with_groups_and_roles_and_is_idempotent(kommuner, client):
    assert load_opinions_demo in EXTENSIONS
    demo = load_demo()
    load_demo()
    with scope(municipality=demo.municipality):
        conversation = Conversation.objects.get(title=TITLE)
        assert conversation.statements.count() == 12
        assert Participant.objects.filter(conversation=conversation).count() == 60
        n_votes = Vote.objects.filter(conversation=conversation).count()
        data = ConversationAnalysis.objects.get(conversation=conversation).data
    assert data["n_votes"] == n_votes
    assert 2 <= len(data["groups"]) <= 3
    assert {r["role"] for r in data["roles"]} >= {"borger", "medarbejder", "politiker"}
    html = client.get(conversation.get_map_url()).content.decode()
    assert "Gruppe A" in html and "Gruppe B" in html
    assert "60 deltagere" in html
