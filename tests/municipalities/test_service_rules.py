"""Each movement and space service checks its own permission, whoever calls it (page, CLI, demo):
someone without the right is refused in Danish and nothing is written, not even an audit row."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from samskab.core.errors import ServiceError
from samskab.core.models import AuditEvent
from samskab.municipalities import services
from samskab.municipalities.models import Movement, Municipality, Space, SpaceInvitation
from tests.conftest import Town, give_role, make_person

pytestmark = pytest.mark.django_db


def _audits() -> int:
    with scopes_disabled():
        return AuditEvent.objects.count()


@pytest.fixture
def citizen(town_a: Town):
    person = make_person("borger@kbh.test", "Karen Borger")
    with scopes_disabled():
        give_role(person, town_a.municipality, Role.CITIZEN)
    return person


@pytest.mark.parametrize("who", ["citizen", "nobody", "other town's administrator"])
def test_only_an_administrator_or_the_mayor_opens_the_movement(kommuner, town_b, who):
    municipality = Municipality.objects.get(code="0147")
    citizen = make_person("borger@frb.test")
    give_role(citizen, municipality, Role.CITIZEN)
    actor = {"citizen": citizen, "nobody": None, "other town's administrator": town_b.owner}[who]
    before = _audits()
    with scope(municipality=municipality), pytest.raises(ServiceError, match="bevægelse"):
        services.open_movement(municipality, actor, title="Bevægelsen")
    with scope(municipality=municipality):
        assert not Movement.objects.exists()
    assert _audits() == before


def test_the_mayor_opens_the_movement(kommuner):
    municipality = Municipality.objects.get(code="0147")
    mayor = make_person("borgmester@frb.test")
    give_role(mayor, municipality, Role.MAYOR)
    with scope(municipality=municipality):
        services.open_movement(municipality, mayor, title="Bevægelsen")
        assert Movement.objects.get().title == "Bevægelsen"
        assert AuditEvent.objects.filter(action="movement.opened", actor=mayor).count() == 1


@pytest.mark.parametrize("who", ["citizen", "employee", "nobody"])
def test_only_those_running_processes_create_spaces(town_a, citizen, who):
    actor = {"citizen": citizen, "employee": town_a.member, "nobody": None}[who]
    before = _audits()
    with scope(municipality=town_a.municipality):
        spaces = Space.objects.count()
        with pytest.raises(ServiceError, match="rum"):
            services.create_space(town_a.public_space.movement, actor, title="Mit eget rum")
        assert Space.objects.count() == spaces
    assert _audits() == before


def test_another_towns_administrator_cannot_create_a_space_here(town_a, town_b):
    with scope(municipality=town_a.municipality), pytest.raises(ServiceError):
        services.create_space(town_a.public_space.movement, town_b.owner, title="Udefra")


@pytest.mark.parametrize("who", ["citizen", "employee", "nobody"])
def test_only_those_running_processes_invite(town_a, citizen, who):
    actor = {"citizen": citizen, "employee": town_a.member, "nobody": None}[who]
    before = _audits()
    with scope(municipality=town_a.municipality):
        with pytest.raises(ServiceError, match="invitere"):
            services.invite_to_space(town_a.invite_space, actor, email=town_a.outsider.email)
        assert not SpaceInvitation.objects.filter(person=town_a.outsider).exists()
    assert _audits() == before


def test_the_administrator_invites_and_it_is_audited(town_a):
    with scope(municipality=town_a.municipality):
        services.invite_to_space(town_a.invite_space, town_a.owner, email=town_a.outsider.email)
        assert SpaceInvitation.objects.filter(person=town_a.outsider).exists()
        assert AuditEvent.objects.filter(action="space.invited").count() == 1


def test_the_invitation_mail_is_in_the_invited_persons_language(
    town_a, mailoutbox, django_capture_on_commit_callbacks
):
    town_a.outsider.language = "en"
    town_a.outsider.save(update_fields=["language"])
    with scope(municipality=town_a.municipality), django_capture_on_commit_callbacks(execute=True):
        services.invite_to_space(town_a.invite_space, town_a.owner, email=town_a.outsider.email)
    [mail] = mailoutbox
    assert mail.subject.startswith("You are invited to")
    assert "See it here: http" in mail.body
