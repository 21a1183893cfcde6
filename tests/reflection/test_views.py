"""Rooms, sessions, entries, learnings and templates through the pages: tenancy, bad input,
query budgets, consent and publishing, and search across municipalities."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role
from samskab.reflection import search, services
from samskab.reflection.models import (
    AnonymousEntry,
    Consent,
    Entry,
    Learning,
    LearningAuthor,
    Room,
)
from tests.complexity.conftest import make_challenge
from tests.helpers import assert_flat_query_count
from tests.reflection.conftest import make_circle, person_with_role, write

pytestmark = pytest.mark.django_db


def main(response) -> str:
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def write_url(circle) -> str:
    return circle.session.get_absolute_url() + "skriv/"


def test_another_municipalitys_room_is_404_like_a_missing_one(towns, client):
    a, b = towns
    theirs = make_circle(b, prefix="b")
    client.force_login(a.owner)  # even an administrator of A
    slug_a, slug_b = a.municipality.slug, b.municipality.slug
    for url in (theirs.room.get_absolute_url(), theirs.session.get_absolute_url()):
        assert client.get(url).status_code == 404
        assert client.get(url.replace(slug_b, slug_a)).status_code == 404
    wrong = client.get(f"/kommuner/{slug_a}/refleksion/{theirs.room.pk}/")
    missing = client.get(f"/kommuner/{slug_a}/refleksion/999999/")
    assert wrong.status_code == missing.status_code == 404
    assert main(wrong) == main(missing)
    client.force_login(theirs.leader)
    response = client.post(
        write_url(theirs).replace(slug_b, slug_a),
        {"prompt": "0", "text": "x", "visibility": "shared"},
    )
    assert response.status_code == 404
    api = f"/api/municipalities/{a.municipality.code}/reflection/rooms/{theirs.room.pk}/sessions"
    assert client.get(api).status_code == 404
    # A learning of B is not in A's library, even by id.
    with scope(municipality=b.municipality):
        learning = services.create_learning(b.municipality, b.owner, title="B lærer", text="T")
    client.force_login(a.owner)
    assert client.get(f"/kommuner/{slug_a}/laering/{learning.pk}/").status_code == 404
    assert client.get(f"/kommuner/{slug_b}/laering/{learning.pk}/").status_code == 404


def test_outsiders_of_the_room_get_404(circle, client):
    outsider = person_with_role(circle.town, "udenfor@test.dk", Role.MANAGER)
    client.force_login(outsider)
    assert client.get(circle.room.get_absolute_url()).status_code == 404
    assert client.get(circle.session.get_absolute_url()).status_code == 404


def test_member_writes_private_shared_and_anonymous(circle, client):
    client.force_login(circle.leader)
    page = client.get(circle.session.get_absolute_url())
    assert "Hvad gjorde jeg – og hvorfor?" in main(page)
    for visibility, text in [
        ("private", "Privat tanke"),
        ("shared", "Delt tanke"),
        ("anonymous", "Anonym tanke"),
    ]:
        response = client.post(
            write_url(circle), {"prompt": "1", "text": text, "visibility": visibility}
        )
        assert response.status_code == 302
    with scope(municipality=circle.town.municipality):
        assert Entry.objects.filter(author=circle.leader).count() == 2
        assert AnonymousEntry.objects.count() == 1
        shared = Entry.objects.get(visibility="shared")
        assert shared.role == "leder" and shared.prompt_index == 1


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"prompt": "0", "text": "x" * 4001, "visibility": "shared"},
            "må højst være 4.000 tegn – du har skrevet 4.001.",
        ),
        ({"prompt": "0", "text": "  ", "visibility": "shared"}, "Skriv din refleksion."),
        ({"prompt": "9", "text": "Min tekst", "visibility": "shared"}, "Marker en gyldig"),
        ({"prompt": "0", "text": "Min tekst", "visibility": "alle"}, "Marker en gyldig"),
        (
            {"prompt": "0", "text": "Mit CPR er 010190-1234", "visibility": "private"},
            "CPR-nummer",
        ),
    ],
)
def test_bad_entries_are_refused_kept_and_store_nothing(circle, client, data, message):
    client.force_login(circle.leader)
    response = client.post(write_url(circle), data)
    assert response.status_code == 400
    html = main(response)
    assert message in html
    if data["text"].strip():
        assert data["text"][:60] in html
    with scope(municipality=circle.town.municipality):
        assert not Entry.objects.exists() and not AnonymousEntry.objects.exists()


def test_writing_to_a_closed_session_is_refused_and_kept(circle, client):
    with scope(municipality=circle.town.municipality):
        services.set_session_open(circle.session, circle.facilitator, is_open=False)
    client.force_login(circle.leader)
    response = client.post(
        write_url(circle), {"prompt": "0", "text": "For sent", "visibility": "anonymous"}
    )
    assert response.status_code == 400
    html = main(response)
    assert "Mødet er lukket, så du kan ikke skrive mere her." in html
    assert "For sent" in html
    with scope(municipality=circle.town.municipality):
        assert not AnonymousEntry.objects.exists()
        with pytest.raises(services.ServiceError):
            services.write_entry(
                circle.session, circle.leader, prompt_index=0, text="x", visibility="shared"
            )


def test_facilitator_creates_room_invites_and_starts_a_session(town_a, client):
    facilitator = person_with_role(town_a, "fac@test.dk", Role.FACILITATOR)
    challenge = make_challenge(town_a)
    client.force_login(facilitator)
    base = f"/kommuner/{town_a.municipality.slug}/refleksion/"
    assert client.get(base + "nyt-rum/").status_code == 200
    response = client.post(
        base + "nyt-rum/",
        {"title": "Læring om regnvand", "purpose": "", "attached": f"challenge-{challenge.pk}"},
    )
    assert response.status_code == 302
    with scope(municipality=town_a.municipality):
        room = Room.objects.get(title="Læring om regnvand")
        assert room.challenge == challenge
    bad = client.post(
        room.get_absolute_url() + "medlemmer/", {"email": "ingen@test.dk", "role": "borger"}
    )
    assert bad.status_code == 302  # the same answer as for a real person: see test_room_invitations
    ok = client.post(
        room.get_absolute_url() + "medlemmer/",
        {"email": town_a.member.email, "role": "medarbejder"},
    )
    assert ok.status_code == 302
    started = client.post(room.get_absolute_url() + "nyt-moede/", {"template": "aar", "title": ""})
    assert started.status_code == 302
    page = client.get(started.url)
    assert "Hvad skulle der ske?" in main(page)
    # The challenge page's panel links to the room.
    client.force_login(town_a.member)
    with scope(municipality=town_a.municipality):
        challenge_url = challenge.get_absolute_url()
        assert services.rooms_for_challenge(challenge, town_a.outsider) == []
    assert "Læring om regnvand" in client.get(challenge_url).content.decode()


def test_rooms_list_query_count_is_flat(circle, client):
    counter = iter(range(1000))

    def add(n: int) -> None:
        with scope(municipality=circle.town.municipality):
            for _ in range(n):
                room = services.create_room(
                    circle.town.municipality,
                    circle.facilitator,
                    title=f"Rum {next(counter)}",
                    movement=circle.room.movement,
                )
                services.add_member(room, circle.facilitator, circle.leader, role="leder")

    client.force_login(circle.leader)

    def fetch():
        assert (
            client.get(f"/kommuner/{circle.town.municipality.slug}/refleksion/").status_code == 200
        )

    assert_flat_query_count(fetch, add)


def test_session_page_query_count_is_flat(circle, client):
    counter = iter(range(1000))
    people = [circle.leader, circle.employee, circle.politician, circle.citizen]

    def add(n: int) -> None:
        for _ in range(n):
            k = next(counter)
            write(
                circle,
                people[k % 4],
                f"Tekst {k}",
                ["private", "shared", "anonymous"][k % 3],
                k % 5,
            )

    client.force_login(circle.facilitator)

    def fetch():
        assert client.get(circle.session.get_absolute_url()).status_code == 200

    assert_flat_query_count(fetch, add)


def test_library_query_count_is_flat(circle, client):
    counter = iter(range(1000))

    def add(n: int) -> None:
        with scope(municipality=circle.town.municipality):
            for _ in range(n):
                services.create_learning(
                    circle.town.municipality,
                    circle.facilitator,
                    title=f"Læring {next(counter)}",
                    text="Tekst",
                    tags="ældre, frivillige",
                )

    client.force_login(circle.employee)

    def fetch():
        assert client.get(f"/kommuner/{circle.town.municipality.slug}/laering/").status_code == 200

    assert_flat_query_count(fetch, add)


def test_learning_needs_every_authors_consent_before_it_is_shared(towns, client):
    a, b = towns
    circle = make_circle(a)
    shared = write(circle, circle.leader, "Hjemmeplejen skal med fra start", "shared")
    client.force_login(circle.facilitator)
    create = f"/kommuner/{a.municipality.slug}/refleksion/{circle.room.pk}/ny-laering/"
    too_long = client.post(create, {"title": "Kort", "text": "x" * 2001, "tags": "Ældre"})
    assert too_long.status_code == 400
    assert "Teksten må højst være 2.000 tegn – du har skrevet 2.001." in main(too_long)
    response = client.post(
        create,
        {
            "title": "Inviter hjemmeplejen fra første møde",
            "text": "Når medarbejderne tæt på de ældre er med, kommer naboerne hurtigere i gang.",
            "tags": "Ældre, Frivillige, ældre",
            "context": "Refleksionsrum i København",
            "sources": [str(shared.pk)],
        },
    )
    assert response.status_code == 302
    with scope(municipality=a.municipality):
        learning = Learning.objects.get()
        assert learning.tags == ["ældre", "frivillige"]
        authors = set(LearningAuthor.objects.values_list("person_id", flat=True))
        assert authors == {circle.facilitator.pk, circle.leader.pk}
    url = learning.get_absolute_url()
    # Not yet: nobody has been asked.
    client.post(url + "del/")
    with scope(municipality=a.municipality):
        learning.refresh_from_db()
        assert learning.published_at is None
    client.post(url + "spoerg/")
    client.force_login(circle.leader)
    page = main(client.get(url))
    assert "Må læringen deles med andre kommuner?" in page
    client.post(url + "samtykke/", {"answer": "yes"})
    client.force_login(circle.facilitator)
    client.post(url + "samtykke/", {"answer": "yes"})
    client.post(url + "del/")
    with scope(municipality=a.municipality):
        learning.refresh_from_db()
        assert learning.published_at is not None
        assert set(LearningAuthor.objects.values_list("consent", flat=True)) == {Consent.GIVEN}
    # Found by search from the other municipality, case- and æøå-insensitively.
    client.force_login(b.owner)
    for query in ("ÆLDRE", "hjemmeplejen første", "Frivillige"):
        found = main(client.get("/kommuner/laering/", {"q": query}))
        assert "Inviter hjemmeplejen fra første møde" in found, query
        assert circle.leader.public_name not in found
    assert "Inviter hjemmeplejen" not in main(client.get("/kommuner/laering/", {"q": "cykel"}))
    assert client.get(f"/kommuner/laering/{learning.pk}/").status_code == 200
    api = client.get("/api/learnings", {"q": "ældre"}).json()
    assert [x["title"] for x in api] == ["Inviter hjemmeplejen fra første møde"]
    # Withdrawing consent takes it out of the shared library.
    client.force_login(circle.leader)
    client.post(url + "samtykke/", {"answer": "no"})
    assert client.get(f"/kommuner/laering/{learning.pk}/").status_code == 404
    assert "Inviter hjemmeplejen" not in main(client.get("/kommuner/laering/"))


def test_search_normalises_danish_text():
    assert search.normalise("  ÆBLE Øl  Århus ") == "æble øl århus"
    assert search.normalise("Aarhus") == search.normalise("Århus")
    assert search.clean_tags(" Ældre , frivillige,ældre,, ") == ["ældre", "frivillige"]


def test_municipal_library_search(circle, client):
    with scope(municipality=circle.town.municipality):
        services.create_learning(
            circle.town.municipality, circle.facilitator, title="Om Århus", text="Besøg i ÅRHUS"
        )
        services.create_learning(
            circle.town.municipality, circle.facilitator, title="Om cykler", text="Cykelstier"
        )
    client.force_login(circle.employee)
    url = f"/kommuner/{circle.town.municipality.slug}/laering/"
    html = main(client.get(url, {"q": "aarhus"}))
    assert "Om Århus" in html and "Om cykler" not in html
    client.force_login(circle.citizen)
    assert client.get(url).status_code == 403


def test_templates_are_data_a_facilitator_edits_for_their_own_municipality(towns, client):
    a, b = towns
    circle = make_circle(a)
    client.force_login(circle.facilitator)
    base = f"/kommuner/{a.municipality.slug}/refleksion/skabeloner/"
    listing = main(client.get(base))
    for name in ("Stacey", "Gibbs", "After Action Review", "Hvad? Og hvad så? Hvad nu?"):
        assert name in listing
    bad = client.post(base + "stacey/", {"name": "Stacey", "prompts": "\n  \n"})
    assert bad.status_code == 400
    ok = client.post(
        base + "stacey/",
        {"name": "Stacey på vores måde", "description": "", "prompts": "Hvad gjorde vi?\nHvorfor?"},
    )
    assert ok.status_code == 302
    new = client.post(base + "ny/", {"name": "Tre korte", "prompts": "Et\nTo\nTre"})
    assert new.status_code == 302
    with scope(municipality=a.municipality):
        mine = services.get_template(a.municipality, "stacey")
        assert mine.prompts == ["Hvad gjorde vi?", "Hvorfor?"]
        assert services.get_template(a.municipality, "tre-korte").prompts == ["Et", "To", "Tre"]
        # A session that already started keeps the prompts it started with.
        circle.session.refresh_from_db()
        assert circle.session.prompts[0] == "Hvad gjorde jeg – og hvorfor?"
    with scope(municipality=b.municipality):
        assert services.get_template(b.municipality, "stacey").prompts[0] == (
            "Hvad gjorde jeg – og hvorfor?"
        )
        assert services.get_template(b.municipality, "tre-korte") is None
    client.force_login(circle.leader)
    assert client.get(base).status_code == 403


def test_personal_data_export_of_reflection(circle):
    write(circle, circle.leader, "Privat", "private")
    write(circle, circle.leader, "Delt", "shared")
    with scopes_disabled():
        data = services_export(circle.leader)
    assert {e["text"] for e in data["entries"]} == {"Privat", "Delt"}
    assert data["rooms"][0]["role"] == "leder"


def services_export(person):
    from samskab.reflection.personal_data import export

    return export(person)


def test_api_rooms_are_for_members(circle, client):
    m = circle.town.municipality
    url = f"/api/municipalities/{m.code}/reflection/rooms"
    assert client.get(url).status_code == 401
    outsider = person_with_role(circle.town, "api-udenfor@test.dk", Role.CITIZEN)
    client.force_login(outsider)
    assert client.get(url).json() == []
    assert client.get(f"{url}/{circle.room.pk}/sessions").status_code == 404
    client.force_login(circle.citizen)
    assert [r["title"] for r in client.get(url).json()] == ["Ledelse i samskabelse"]
    assert client.get(url.replace(m.code, "0751")).json() == []


def test_sessions_api_query_count_is_flat(circle, client):
    m = circle.town.municipality
    url = f"/api/municipalities/{m.code}/reflection/rooms/{circle.room.pk}/sessions"
    counter = iter(range(1000))

    def add(n: int) -> None:
        with scope(municipality=m):
            template = services.get_template(m, "gibbs")
            for _ in range(n):
                session = services.start_session(circle.room, circle.facilitator, template=template)
                k = next(counter)
                services.write_entry(
                    session, circle.leader, prompt_index=0, text=f"T{k}", visibility="shared"
                )
                services.write_entry(
                    session, circle.citizen, prompt_index=1, text=f"A{k}", visibility="anonymous"
                )

    client.force_login(circle.facilitator)

    def fetch():
        assert client.get(url).status_code == 200

    assert_flat_query_count(fetch, add)


def test_movement_page_links_to_rooms_and_libraries(circle, client):
    client.force_login(circle.employee)
    html = client.get(circle.town.municipality.get_absolute_url()).content.decode()
    assert "/refleksion/" in html and "/laering/" in html and "/kommuner/laering/" in html


def test_postgresql_search_adds_danish_stemming(circle):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("full-text search with the 'danish' configuration needs PostgreSQL")
    with scope(municipality=circle.town.municipality):
        services.create_learning(
            circle.town.municipality, circle.facilitator, title="Møder", text="Vi holdt møder."
        )
        # "mødet" is not a substring of "møder"; the Danish stemmer makes both "mød".
        found = [lr.title for lr in services.library(circle.town.municipality, "mødet")]
    assert found == ["Møder"]
