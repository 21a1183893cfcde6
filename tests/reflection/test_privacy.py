"""Privacy is the feature: private entries reach their author only, anonymous ones nobody's name.

Checked for every role in the municipality, for room members and outsiders, the operator's admin
site, the API, the personal-data exports and the audit trail.
"""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role, User
from samskab.accounts.personal_data import export_personal_data
from samskab.core.models import AuditEvent
from samskab.reflection import services
from samskab.reflection.models import AnonymousEntry, Entry
from tests.conftest import give_role, make_person
from tests.reflection.conftest import write

pytestmark = pytest.mark.django_db

PRIVATE = "Min hemmelige tvivl om budgettet"
SHARED = "Vi glemte at invitere hjemmeplejen"
ANONYMOUS = "Beslutningen var truffet på forhånd"


def pages(circle) -> list[str]:
    m = circle.town.municipality
    room = circle.room
    return [
        circle.session.get_absolute_url(),
        room.get_absolute_url(),
        f"/kommuner/{m.slug}/refleksion/",
        f"/kommuner/{m.slug}/laering/",
        f"/kommuner/{m.slug}/refleksion/{room.pk}/ny-laering/",
        "/kommuner/laering/",
        f"/api/municipalities/{m.code}/reflection/rooms/{room.pk}/sessions",
        f"/api/municipalities/{m.code}/reflection/rooms",
        f"/api/municipalities/{m.code}/learnings",
        "/api/learnings",
    ]


def everything_seen_by(client, person, circle) -> str:
    client.force_login(person)
    seen = []
    for url in pages(circle):
        response = client.get(url)
        seen.append(response.content.decode())
    return "\n".join(seen)


def viewers(circle) -> list[User]:
    town = circle.town
    people = [circle.facilitator, circle.employee, circle.politician, circle.citizen, town.owner]
    for role in Role:
        person = make_person(f"viewer-{role.value}@test.dk", f"Viewer {role.value}")
        with scopes_disabled():
            give_role(person, town.municipality, role)
        people.append(person)
    # Members of the room with every role, too.
    for role in Role:
        person = make_person(f"member-{role.value}@test.dk", f"Member {role.value}")
        with scopes_disabled():
            give_role(person, town.municipality, role)
        with scope(municipality=town.municipality):
            services.add_member(circle.room, circle.facilitator, person, role=role)
        people.append(person)
    superuser = User.objects.create_superuser("drift@test.dk", "correct horse battery")
    people.append(superuser)
    return people


def test_a_private_entry_is_seen_by_its_author_only(circle, client):
    write(circle, circle.leader, PRIVATE, "private")
    write(circle, circle.leader, SHARED, "shared", prompt=1)
    assert PRIVATE in everything_seen_by(client, circle.leader, circle)
    for person in viewers(circle):
        seen = everything_seen_by(client, person, circle)
        assert PRIVATE not in seen, person.email
        with scope(municipality=circle.town.municipality):
            sees_room = person.has_perm("reflection.view_room", circle.room)
        if sees_room:
            assert SHARED in seen, person.email


def test_a_private_entry_is_not_in_the_admin_site(circle, client):
    write(circle, circle.leader, PRIVATE, "private")
    admin = User.objects.create_superuser("drift@test.dk", "correct horse battery")
    client.force_login(admin)
    index = client.get("/admin/").content.decode()
    assert "/admin/reflection/entry/" not in index
    assert "/admin/reflection/anonymousentry/" not in index
    assert client.get("/admin/reflection/entry/").status_code == 404
    for model in ("room", "session", "learning", "reflectiontemplate"):
        listing = client.get(f"/admin/reflection/{model}/")
        assert listing.status_code == 200
        assert PRIVATE not in listing.content.decode()
    for url in (
        f"/admin/reflection/room/{circle.room.pk}/change/",
        f"/admin/reflection/session/{circle.session.pk}/change/",
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert PRIVATE not in response.content.decode()


def test_a_private_entry_is_in_its_authors_export_only(circle, town_b):
    write(circle, circle.leader, PRIVATE, "private")
    own = export_personal_data(circle.leader)
    assert own["reflection"]["entries"][0]["text"] == PRIVATE
    for person in (circle.facilitator, circle.employee, circle.town.owner, town_b.owner):
        assert PRIVATE not in json.dumps(export_personal_data(person), default=str)


def test_a_private_entry_is_not_in_the_audit_trail(circle):
    write(circle, circle.leader, PRIVATE, "private")
    with scopes_disabled():
        for event in AuditEvent.objects.all():
            assert PRIVATE not in json.dumps(event.detail)


def test_an_anonymous_entry_keeps_nothing_that_points_to_its_author(circle, client):
    with scopes_disabled():
        events_before = AuditEvent.objects.count()
    write(circle, circle.politician, ANONYMOUS, "anonymous")
    with scopes_disabled():
        # No audit event at all: its time and actor would tie the entry to the person.
        assert AuditEvent.objects.count() == events_before
        assert not Entry.objects.filter(text=ANONYMOUS).exists()
        stored = AnonymousEntry.objects.get()
    columns = {f.column for f in AnonymousEntry._meta.concrete_fields}
    assert columns == {"id", "municipality_id", "session_id", "prompt_index", "text", "origin"}
    # Nothing in the row names the politician, not even a hash of their id or email.
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM reflection_anonymousentry")
        row = " ".join(str(v) for v in cursor.fetchone())
    for marker in (circle.politician.email, circle.politician.public_name):
        assert marker not in row
    assert stored.text == ANONYMOUS
    # The room sees the text, without a name; the author is not told apart from anyone else.
    html = everything_seen_by(client, circle.employee, circle)
    assert ANONYMOUS in html
    assert 'Anonym</strong>: <span class="samskab-usertext">' + ANONYMOUS in html
    client.force_login(circle.employee)
    session_page = client.get(circle.session.get_absolute_url()).content.decode()
    assert ANONYMOUS in session_page
    assert circle.politician.public_name not in session_page
    author_view = everything_seen_by(client, circle.politician, circle)
    assert author_view.count(ANONYMOUS) == html.count(ANONYMOUS)
    # It is not in anyone's export, the author's included: nothing links it to them.
    for person in (circle.politician, circle.facilitator):
        assert ANONYMOUS not in json.dumps(export_personal_data(person), default=str)


def test_anonymous_entries_are_not_listed_in_the_order_they_were_written(circle, client):
    texts = [f"Anonym refleksion nummer {k:02d}" for k in range(20)]
    for text in texts:
        write(circle, circle.citizen, text, "anonymous")
    client.force_login(circle.facilitator)
    html = client.get(circle.session.get_absolute_url()).content.decode()
    shown = sorted(texts, key=html.index)
    assert shown != texts  # random (UUID) order; same order by chance: 1 in 20!
    m = circle.town.municipality
    api = client.get(
        f"/api/municipalities/{m.code}/reflection/rooms/{circle.room.pk}/sessions"
    ).json()
    anonymous = api[0]["anonymous"]
    assert set(anonymous[0]) == {"prompt", "text"}  # no id, no time, no author
    assert [a["text"] for a in anonymous] != texts


def test_the_facilitator_sees_patterns_of_shared_entries_only(circle, client):
    write(circle, circle.leader, PRIVATE, "private", prompt=0)
    write(circle, circle.leader, SHARED, "shared", prompt=0)
    write(circle, circle.employee, "Delt af medarbejder", "shared", prompt=0)
    write(circle, circle.employee, "Endnu en", "shared", prompt=3)
    write(circle, circle.citizen, ANONYMOUS, "anonymous", prompt=3)
    with scope(municipality=circle.town.municipality):
        found = services.patterns(circle.session)
    assert found["roles"] == ["Medarbejder", "Leder"]
    assert found["rows"][0]["cells"] == [1, 1]
    assert found["rows"][3]["cells"] == [1, 0]
    assert found["rows"][3]["anonymous"] == 1
    client.force_login(circle.facilitator)
    html = client.get(circle.session.get_absolute_url()).content.decode()
    assert "Mønstre på tværs af roller" in html
    assert PRIVATE not in html
    client.force_login(circle.employee)
    assert (
        "Mønstre på tværs af roller"
        not in client.get(circle.session.get_absolute_url()).content.decode()
    )


def test_the_author_can_share_a_private_entry_later(circle, client):
    entry = write(circle, circle.leader, PRIVATE, "private")
    url = circle.session.get_absolute_url() + f"del/{entry.pk}/"
    client.force_login(circle.facilitator)
    assert client.post(url).status_code == 404  # not theirs: like a missing one
    client.force_login(circle.leader)
    assert client.post(url).status_code == 302
    assert PRIVATE in everything_seen_by(client, circle.employee, circle)


def test_deleting_the_account_deletes_private_entries_and_keeps_shared_ones(circle, client):
    write(circle, circle.leader, PRIVATE, "private")
    write(circle, circle.leader, SHARED, "shared")
    client.force_login(circle.leader)
    response = client.post("/konto/slet/", {"password": "correct horse battery"})
    assert response.status_code == 302
    with scopes_disabled():
        assert not User.objects.get(pk=circle.leader.pk).is_active
        assert not Entry.objects.filter(text=PRIVATE).exists()
        assert Entry.objects.filter(text=SHARED).exists()
        assert not circle.room.members.filter(person=circle.leader).exists()
