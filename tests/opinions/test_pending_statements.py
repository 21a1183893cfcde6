"""Under pre-moderation a statement waiting for approval is seen by no voter: not on the page,
not on the vote card, not in the API, and a vote on it is refused. Once approved, it is there."""

from __future__ import annotations

import pytest
from django_scopes import scope

from samskab.core.errors import ServiceError
from samskab.opinions import services
from samskab.opinions.models import ModerationState, Vote
from tests.conftest import make_person

pytestmark = pytest.mark.django_db

PENDING = "Gratis kaffe i biblioteket om søndagen"


def test_a_pending_statement_is_seen_by_no_voter_until_it_is_approved(
    premoderated, citizen, moderator, client
):
    with scope(municipality=premoderated.municipality):
        pending = services.add_statement(premoderated, citizen, text=PENDING)
    assert pending.moderation == ModerationState.UNMODERATED
    voter = make_person("stemmer@test.dk")
    client.force_login(voter)
    code = premoderated.municipality.code
    api = f"/api/municipalities/{code}/conversations/{premoderated.pk}"

    def seen() -> list[bool]:
        page = client.get(premoderated.get_absolute_url()).content.decode()
        card = client.get(premoderated.get_absolute_url() + f"?udsagn={pending.pk}")
        listed = [s["text"] for s in client.get(api + "/statements").json()]
        return [PENDING in page, PENDING in card.content.decode(), PENDING in listed]

    assert seen() == [False, False, False]
    with scope(municipality=premoderated.municipality):
        with pytest.raises(ServiceError):
            services.cast_vote(premoderated, pending, voter, value=1)
        assert not Vote.objects.filter(statement=pending).exists()
        services.moderate_statement(pending, moderator, state=ModerationState.IN)
    # The page shows one statement at a time (the next by priority); asked for, it is this one.
    assert seen()[1:] == [True, True]
