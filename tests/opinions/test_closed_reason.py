"""When a conversation has closed, a new statement is refused with the real reason, not a
generic "you may not"."""

from __future__ import annotations

import pytest
from django_scopes import scope

from samskab.opinions import services
from samskab.opinions.models import Statement

pytestmark = pytest.mark.django_db


def test_a_statement_in_a_closed_conversation_says_the_conversation_has_closed(
    town_a, conversation, citizen, client
):
    with scope(municipality=town_a.municipality):
        services.set_open(conversation, town_a.owner, is_open=False)
        before = Statement.objects.filter(conversation=conversation).count()
    client.force_login(citizen)
    response = client.post(
        conversation.get_absolute_url() + "udsagn/", {"text": "Flere træer på torvet."}
    )
    page = response.content.decode()
    assert response.status_code == 403
    assert "Samtalen er lukket, så der kan ikke komme nye udsagn." in page
    assert "Du har ikke lov til at gøre dette" not in page
    with scope(municipality=town_a.municipality):
        assert Statement.objects.filter(conversation=conversation).count() == before
