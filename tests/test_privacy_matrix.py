"""The privacy matrix: every kind of private or anonymous content × every role × every channel.

On top of the demo municipality (which has content in every app), a private and an anonymous
reflection are written with marker words nobody else uses. Then every role — anonymous visitor,
each of the demo's ten roles, a superuser, a workshop guest and another municipality's
administrator — walks every channel it can reach: the pages and fragments linked from the site
(a crawl that follows href, src and hx-get, a few URLs per URL pattern), every GET endpoint of
the API with the demo's ids, the admin, the search boxes, the personal-data export, and the mail
the platform sends (notifications and the daily digest). The markers may turn up only where the
promise allows:

- a private reflection: its author alone — not the room's facilitator, not an administrator,
  not a superuser;
- an anonymous reflection: only people who may enter the room, never on a workshop's big
  screen (which everyone in the workshop reads), and never next to its author's name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlparse

import pytest
from django.core import mail
from django.test import Client
from django.urls import Resolver404, resolve
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import Role, User
from samskab.demo.content import load_demo
from samskab.reflection import services as reflection_services
from samskab.reflection.models import Room, Visibility
from tests.conftest import give_role, make_person

pytestmark = pytest.mark.django_db

PRIVATE = "Privatmærke Zirkonblå"
ANONYMOUS = "Anonymmærke Ravgylden"

# GET links that change something or end the session are not followed.
SKIP = re.compile(r"/(konto/(logout|slet|email|password|3rdparty|reauthenticate)|sprog|static)/")
PER_PATTERN = 3
MAX_PAGES = 400


@dataclass
class Seen:
    """What one person's walk found: where each marker turned up."""

    private: set[str] = field(default_factory=set)
    anonymous: set[str] = field(default_factory=set)
    anonymous_next_to_author: set[str] = field(default_factory=set)
    pages: int = 0

    def look(self, where: str, text: str, author_names: list[str]) -> None:
        self.pages += 1
        if PRIVATE in text:
            self.private.add(where)
        for match in re.finditer(re.escape(ANONYMOUS), text):
            self.anonymous.add(where)
            around = text[max(0, match.start() - 400) : match.end() + 400]
            if any(name in around for name in author_names):
                self.anonymous_next_to_author.add(where)


def _links(body: str, base: str) -> Iterator[str]:
    for raw in re.findall(r'(?:href|src|hx-get)="([^"#]+)', body):
        url = urljoin(base, raw.replace("&amp;", "&"))
        parsed = urlparse(url)
        if parsed.netloc in ("", "testserver") and parsed.path.startswith("/"):
            yield parsed.path + (f"?{parsed.query}" if parsed.query else "")


def _crawl(client: Client, starts: list[str], seen: Seen, authors: list[str]) -> None:
    queue = list(starts)
    visited: set[str] = set()
    per_pattern: dict[str, int] = {}
    while queue and seen.pages < MAX_PAGES:
        url = queue.pop(0)
        if url in visited or SKIP.search(url):
            continue
        visited.add(url)
        try:
            route = resolve(urlparse(url).path).route
        except Resolver404:
            continue
        if per_pattern.get(route, 0) >= PER_PATTERN:
            continue
        per_pattern[route] = per_pattern.get(route, 0) + 1
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200 or response.streaming:
            continue
        body = response.content.decode("utf-8", "replace")
        seen.look(url, body, authors)
        if "html" in response.get("Content-Type", ""):
            queue.extend(_links(body, url))


def _api_urls(code: str, ids: dict[str, list[int]]) -> list[str]:
    from samskab.api import api

    urls: list[str] = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        if "get" not in operations:
            continue
        candidates = [path.replace("{code}", code)]
        for name, values in ids.items():
            token = "{" + name + "}"
            candidates = [
                c.replace(token, str(v))
                for c in candidates
                for v in (values if token in c else [0])
            ]
        urls.extend(c for c in candidates if "{" not in c)
    return urls


@pytest.fixture
def world(kommuner: int, settings: Any) -> dict[str, Any]:
    settings.TASKS_BACKEND = "immediate"
    demo = load_demo()
    municipality = demo.municipality
    with scope(municipality=municipality):
        # The room the demo's workshop reflects in, so the big screen is one of the channels.
        room = Room.objects.get(title="Refleksion: fællesskaber for ældre")
        session = room.sessions.filter(is_open=True).order_by("-created_at").first()
        assert session is not None
        writer = demo.people[Role.MANAGER]
        if reflection_services.membership(room, writer) is None:
            reflection_services.add_member(
                room, demo.people[Role.FACILITATOR], writer, role=Role.MANAGER
            )
        reflection_services.write_entry(
            session, writer, prompt_index=0, text=f"{PRIVATE}: kun til mig.", visibility="private"
        )
        reflection_services.write_entry(
            session,
            writer,
            prompt_index=0,
            text=f"{ANONYMOUS}: det sagde jeg ikke højt.",
            visibility=Visibility.ANONYMOUS,
        )
        # The demo workshop shows its reflection activity, so its big screen is live on it.
        from samskab.workshops import services as workshop_services
        from samskab.workshops.demo import DEMO_CODE
        from samskab.workshops.models import LiveSession

        workshop = LiveSession.objects.get(code=DEMO_CODE)
        workshop_services.move(workshop, demo.people[Role.FACILITATOR], step=10)

        from samskab.challenges.models import Challenge
        from samskab.opinions.models import Conversation

        ids = {
            "challenge_id": list(Challenge.objects.values_list("pk", flat=True).order_by("pk")),
            "conversation_id": list(
                Conversation.objects.values_list("pk", flat=True).order_by("pk")
            ),
            "room_id": list(Room.objects.values_list("pk", flat=True).order_by("pk")),
            "session_id": list(LiveSession.objects.values_list("pk", flat=True).order_by("pk")),
            "idea_id": [],
        }
    return {"demo": demo, "room": room, "writer": writer, "ids": ids}


def _people(world: dict[str, Any]) -> dict[str, User | None]:
    demo = world["demo"]
    people: dict[str, User | None] = {"anonym besøgende": None}
    people.update({str(role): person for role, person in demo.people.items()})
    with scopes_disabled():
        root = User.objects.create_superuser("root@samskab.test", "correct horse battery")
        elsewhere = make_person("admin@aarhus.test", "Admin i Aarhus")
        from samskab.municipalities.models import Municipality

        give_role(elsewhere, Municipality.objects.get(code="0751"), Role.ADMINISTRATOR)
    people["superbruger"] = root
    people["administrator i en anden kommune"] = elsewhere
    return people


def _may_enter_room(person: User | None, room: Room) -> bool:
    if person is None:
        return False
    with scope(municipality=room.municipality):
        return bool(person.has_perm("reflection.view_room", room))


def _text_of(response: Any) -> str:
    """What a download says, for the look: an Excel file's cells, or the text itself."""
    if response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    ):
        import io

        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)
        return "\n".join(
            str(cell)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for cell in row
            if cell is not None
        )
    return response.content.decode()


def _walk(client: Client, world: dict[str, Any], seen: Seen, *, admin: bool) -> None:
    demo = world["demo"]
    writer = world["writer"]
    authors = [n for n in (writer.display_name, writer.pseudonym, writer.email) if n]
    slug = demo.municipality.slug
    starts = [
        "/",
        f"/kommuner/{slug}/",
        "/konto/profil/",
        "/konto/mine-data/",
        f"/kommuner/{slug}/laering/?q=Ravgylden",
        f"/kommuner/{slug}/laering/?q=Zirkonblå",
        "/kommuner/laering/?q=Ravgylden",
    ]
    if admin:
        starts.append("/admin/")
    _crawl(client, starts, seen, authors)
    for url in _api_urls(demo.municipality.code, world["ids"]):
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code == 200:
            text = _text_of(response)
            seen.look(url, text, authors)
            # In JSON an anonymous entry must carry nothing that names a person.
            if ANONYMOUS in text and response["Content-Type"].startswith("application/json"):
                blob = json.dumps(response.json(), ensure_ascii=False)
                assert writer.email not in blob and str(writer.display_name) not in blob, url


def test_private_and_anonymous_reflections_reach_only_whom_they_promise(world, settings):
    room = world["room"]
    writer = world["writer"]
    failures: list[str] = []
    walked = 0
    for label, person in _people(world).items():
        client = Client()
        if person is not None:
            client.force_login(person)
        seen = Seen()
        _walk(client, world, seen, admin=bool(person and person.is_superuser))
        walked += seen.pages
        if seen.private and person != writer:
            failures.append(f"{label} læste den private refleksion på {sorted(seen.private)}")
        if seen.anonymous and not _may_enter_room(person, room):
            failures.append(f"{label} læste den anonyme refleksion på {sorted(seen.anonymous)}")
        on_screen = sorted(u for u in seen.anonymous if "/storskaerm/" in u)
        if on_screen:
            # Everyone in the workshop, guests included, reads the big screen.
            failures.append(f"{label} viste den anonyme refleksion på storskærmen {on_screen}")
        if seen.anonymous_next_to_author:
            failures.append(
                f"{label} så den anonyme refleksion ved forfatterens navn på "
                f"{sorted(seen.anonymous_next_to_author)}"
            )
    # The author does find their own private entry: the walk reaches the room.
    author = Client()
    author.force_login(writer)
    mine = Seen()
    _walk(author, world, mine, admin=False)
    assert mine.private, "the author's walk never reached their own private reflection"
    assert walked > 200
    assert not failures, "\n".join(failures)


def test_a_workshop_guest_sees_neither(world, client):
    """A guest joins the demo workshop by its code, without an account, and walks every page
    the guest can reach, including the phone's waiting fragment."""
    from samskab.workshops.demo import DEMO_CODE

    response = client.post("/deltag/", {"code": DEMO_CODE, "pseudonym": "Gæst 7"}, follow=True)
    assert response.status_code == 200
    seen = Seen()
    _crawl(client, ["/deltag/", f"/deltag/{DEMO_CODE}/"], seen, [])
    assert seen.pages >= 2
    assert not seen.private and not seen.anonymous


def test_mail_and_digest_carry_no_private_or_foreign_anonymous_text(world):
    from django.core.management import call_command

    call_command("send_digests")
    room = world["room"]
    with scopes_disabled():
        by_address = {u.email: u for u in User.objects.all()}
    assert mail.outbox, "the demo should have produced mail"
    for message in mail.outbox:
        text = message.body + "".join(str(a[0]) for a in getattr(message, "alternatives", []))
        for address in message.to:
            person = by_address.get(address)
            if PRIVATE in text:
                assert person == world["writer"], address
            if ANONYMOUS in text:
                assert _may_enter_room(person, room), address
