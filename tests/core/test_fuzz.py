"""Hostile input never gives a 500 (issue 9, finding 12).

Every URL pattern of the project is filled with hostile path values (ids beyond 64 bits, zero,
negative numbers, unicode, NUL, broken UTF-8), fetched as an anonymous visitor and as a
municipality's administrator, fetched with hostile query strings, and posted hostile form data;
every write operation of the API is sent JSON bodies of hostile values. A bad request is the
visitor's mistake: 400, 403, 404 or 422, never a server error.

A 500 found in code another capability owns is listed in KNOWN_500 (xfail, strict: the test
says so once it is fixed, and the entry must go).
"""

from __future__ import annotations

import importlib
import json
import re
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote

import pytest
from django import forms
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.urls import Resolver404, URLResolver, get_resolver, resolve
from django.urls.resolvers import RoutePattern
from django_scopes import scope, scopes_disabled

from samskab.accounts.models import User
from samskab.challenges import services as challenge_services
from samskab.municipalities.data import load_municipalities
from samskab.municipalities.models import Municipality
from tests.conftest import Town, make_town
from tests.workshops.conftest import make_facilitator, make_workshop_challenge, open_workshop

# The cases run once, in a module fixture (see `results`); the mark makes pytest-django create the
# test database for it.
pytestmark = pytest.mark.django_db

PARAM_RE = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")

HUGE = "99999999999999999999"
# Percent-encoded: the test client sends the path as bytes, the way a browser or a script would.
# Which values a parameter gets depends on its converter; a value the converter refuses is
# another URL's 404 and is not sent (see `_allows`).
INT_SEGMENTS = [
    HUGE,
    "9223372036854775808",  # 2**63: one past SQLite's and PostgreSQL's bigint
    "0",
]
SLUG_SEGMENTS = ["-1"]
TEXT_SEGMENTS = [
    HUGE,
    "-1",
    "%C3%A6%C3%B8%C3%A5%F0%9F%98%80",  # æøå and an emoji (4-byte UTF-8)
    "%ED%A0%80",  # a lone surrogate, UTF-8 encoded: not valid UTF-8
    "a%00b",  # NUL: PostgreSQL refuses it in text
    "x" * 300,
]
HOSTILE_SEGMENTS = {"int": INT_SEGMENTS, "id": INT_SEGMENTS, "slug": SLUG_SEGMENTS}
QUERY_NAMES = [
    "page", "side", "q", "next", "open", "activity", "action", "value", "statement", "udsagn",
    "udfordring", "sorter", "role", "reason", "publish", "kode", "code", "kategori", "approve",
    "answer", "fmt", "kind",
]  # fmt: skip
HOSTILE_QUERIES = {
    "huge": HUGE,
    "broken": "%ED%A0%80%00",  # a lone surrogate as broken UTF-8, then NUL
}
HOSTILE_FORM_VALUES = {
    "huge": HUGE,
    "nul": "a\x00b",
    "long": "x" * 20_000,
}
# Raw form bodies, for what the test client's own encoding cannot send.
HOSTILE_FORM_BODIES = {
    "surrogate": "%ED%A0%80",
}


@dataclass(frozen=True)
class Route:
    route: str  # the full route, with <converter:name> placeholders
    name: str  # namespaced URL name, or the route itself

    @property
    def params(self) -> list[tuple[str, str]]:
        return [(m["conv"] or "str", m["name"]) for m in PARAM_RE.finditer(self.route)]

    @property
    def namespace(self) -> str:
        return self.name.rpartition(":")[0]


def _walk(resolver: URLResolver, prefix: str = "", namespace: str = "") -> Iterator[Route]:
    for entry in resolver.url_patterns:
        pattern = entry.pattern
        if not isinstance(pattern, RoutePattern):
            continue  # regex patterns (the admin's app index) are Django's own
        route = prefix + str(pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry, route, inner)
        else:
            yield Route(route, f"{namespace}{entry.name}" if entry.name else route)


def _routes() -> list[Route]:
    seen: dict[str, Route] = {}
    for route in _walk(get_resolver()):
        seen.setdefault(route.route, route)
    return list(seen.values())


ROUTES = _routes()
APP_ROUTES = [r for r in ROUTES if not r.route.startswith(("admin/", "api/"))]
ADMIN_ROUTES = [r for r in ROUTES if r.route.startswith("admin/")]
API_ROUTES = [r for r in ROUTES if r.route.startswith("api/")]

# Cases that still give a 500 in code this test's owner may not change; each names its owner.
# Keys: (route name, case). Remove an entry once its owner's fix lands (strict xfail says so).
KNOWN_500: dict[tuple[str, str], str] = {}
# PostgreSQL refuses NUL in text (psycopg: DataError), SQLite stores it: these fail there only.
KNOWN_500_ON_POSTGRESQL: dict[tuple[str, str], str] = {}
ON_POSTGRESQL = connection.vendor == "postgresql"


@dataclass
class World:
    town: Town
    values: dict[str, str]  # real path values, so that one hostile value reaches its lookup
    workshop_values: dict[str, str]
    api_values: dict[str, str]
    superuser: Any

    def real(self, route: Route, name: str) -> str:
        if route.namespace.startswith("workshops") and name in self.workshop_values:
            return self.workshop_values[name]
        if route.route.startswith("api/"):
            return self.api_values.get(name, "1")
        return self.values.get(name, "1")


def _build_world() -> World:
    load_municipalities(Municipality)  # transactional tests elsewhere may have flushed them
    town = make_town("0101", "fuzz")
    challenge, conversation, reflection = make_workshop_challenge(town)
    facilitator = make_facilitator(town, "facilitator@fuzz.test")
    session = open_workshop(town, facilitator, challenge, conversation, reflection)
    with scope(municipality=town.municipality):
        idea = challenge.ideas.order_by("pk").first()
        comment = challenge_services.add_comment(idea, town.owner, body="En kommentar.")
    superuser = User.objects.create_superuser("root@fuzz.test", "correct horse battery")
    values = {
        "municipality": town.municipality.slug,
        "space": town.public_space.slug,
        "challenge": str(challenge.pk),
        "idea": str(idea.pk),
        "comment": str(comment.pk),
        "conversation": str(conversation.pk),
        "room": str(reflection.room_id),
        "session": str(reflection.pk),
        "kind": "idea",
        "pk": str(idea.pk),
        "fmt": "csv",
        "key": "stacey",
        "code": session.code,
        "number": "1",
    }
    workshop_values = {"session": str(session.pk), "challenge": str(challenge.pk)}
    api_values = {
        "code": town.municipality.code,
        "challenge_id": str(challenge.pk),
        "idea_id": str(idea.pk),
        "comment_id": str(comment.pk),
        "conversation_id": str(conversation.pk),
        "session_id": str(session.pk),
        "room_id": str(reflection.room_id),
    }
    return World(town, values, workshop_values, api_values, superuser)


def _path(route: Route, world: World | None, hostile: dict[str, str] | None = None) -> str:
    hostile = hostile or {}

    def fill(match: re.Match[str]) -> str:
        name = match["name"]
        if name in hostile:
            return hostile[name]
        return quote(world.real(route, name), safe="") if world else "1"

    return "/" + PARAM_RE.sub(fill, route.route)


def _allows(route: Route, name: str, value: str) -> bool:
    """Whether the pattern takes this value for the parameter (else it is another URL's 404)."""
    path = unquote(_path(route, None, {name: value}), errors="surrogateescape")
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.route == route.route


def _error(response: Any) -> str:
    exc_info = getattr(response, "exc_info", None)
    if not exc_info:
        return str(response.status_code)
    tb = traceback.extract_tb(exc_info[2])
    where = next((f for f in reversed(tb) if "/samskab/" in f.filename), tb[-1] if tb else None)
    place = f" at {where.filename.rsplit('/src/', 1)[-1]}:{where.lineno}" if where else ""
    return f"{response.status_code} {exc_info[0].__name__}: {str(exc_info[1])[:120]}{place}"


# Names of every field of every form in the project: posting all of them at once reaches each
# form's own validation, whichever form a view binds.
def _form_field_names() -> list[str]:
    names: set[str] = {"next"}
    for app in APPS:
        try:
            module = importlib.import_module(f"samskab.{app}.forms")
        except ImportError:
            continue
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm):
                names.update(value.base_fields)
    return sorted(names)


APPS = [
    "accounts", "challenges", "complexity", "municipalities", "notifications", "opinions",
    "reflection", "workshops",
]  # fmt: skip


@dataclass(frozen=True)
class Case:
    """One hostile request: who sends it, and how to send it."""

    who: str  # anonymous, administrator (of the municipality), superuser
    label: str
    method: str = "GET"
    hostile_path: tuple[tuple[str, str], ...] = ()
    query: str = ""
    data: Any = None
    content_type: str | None = None


def _app_cases(route: Route) -> list[Case]:
    cases: list[Case] = []
    for conv, name in route.params:
        for value in HOSTILE_SEGMENTS.get(conv, TEXT_SEGMENTS):
            if _allows(route, name, value):
                for who in ("anonymous", "administrator"):
                    label = f"{who} GET {name}({conv})={value[:24]}"
                    cases.append(Case(who, label, hostile_path=((name, value),)))
    for case, value in HOSTILE_QUERIES.items():
        query = "&".join(f"{name}={value}" for name in QUERY_NAMES)
        for who in ("anonymous", "administrator") if case == "huge" else ("administrator",):
            cases.append(Case(who, f"{who} GET ?{case}", query=query))
    names = FORM_FIELDS
    for case, value in HOSTILE_FORM_VALUES.items():
        data = {name: value for name in names} | {"next": "x:y"}
        cases.append(Case("administrator", f"POST {case}", "POST", data=data))
    for case, raw in HOSTILE_FORM_BODIES.items():
        body = "&".join(f"{name}={raw}" for name in names)
        cases.append(
            Case(
                "administrator",
                f"POST {case}",
                "POST",
                data=body,
                content_type="application/x-www-form-urlencoded",
            )
        )
    return cases


def _admin_cases(route: Route) -> list[Case]:
    # The municipality's administrator is no staff: the admin sends him to log in, whatever the
    # value; the superuser reaches the admin's own lookups.
    values = {"administrator": (HUGE,), "superuser": (HUGE, "a%00b")}
    return [
        Case(who, f"{who} GET {name}={value[:24]}", hostile_path=((name, value),))
        for _conv, name in route.params
        for who, hostile in values.items()
        for value in hostile
        if _allows(route, name, value)
    ]


FORM_FIELDS = _form_field_names()
# ----------------------------------------------------------------------------------------------
# The API: path values and query strings on every route, and every write operation in the
# OpenAPI schema with JSON bodies of hostile values.
# ----------------------------------------------------------------------------------------------

HOSTILE_JSON = {
    "huge": {"integer": 99999999999999999999, "number": 1e308, "string": HUGE, "boolean": HUGE},
    "negative": {"integer": -(2**63) - 1, "number": -1e308, "string": "-1", "boolean": -1},
    "nul": {"integer": 0, "number": 0, "string": "a\x00b", "boolean": None},
    "long": {"integer": 2**63, "number": 2**63, "string": "x" * 20_000, "boolean": "x" * 300},
    "surrogate": {"integer": "\ud800", "number": "\ud800", "string": "\ud800", "boolean": "x"},
    "unicode": {"integer": "٣", "number": "１", "string": "æøå \U0001f600 \u202e", "boolean": []},
    "wrong-type": {"integer": "x", "number": {}, "string": 99999999999999999999, "boolean": {}},
}
RAW_JSON = ['"\\ud800"', '{"text": "\\udfff"}', "{", "[" * 1000, '{"x": 1e99999}', "null"]


def _api_schema() -> dict[str, Any]:
    from samskab.api import api

    return api.get_openapi_schema()


def _deref(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node:
        target: Any = schema
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node = target
    return node


def _hostile_json(schema: dict[str, Any], node: dict[str, Any], kind: str, depth: int = 0) -> Any:
    node = _deref(schema, node)
    if depth > 4:
        return None
    for key in ("anyOf", "oneOf", "allOf"):
        if key in node:
            return _hostile_json(schema, node[key][0], kind, depth + 1)
    values = HOSTILE_JSON[kind]
    kind_of = node.get("type", "object" if "properties" in node else "string")
    if kind_of == "object":
        return {
            name: _hostile_json(schema, prop, kind, depth + 1)
            for name, prop in node.get("properties", {}).items()
        }
    if kind_of == "array":
        return [_hostile_json(schema, node.get("items", {}), kind, depth + 1)] * 3
    return values.get(kind_of, values["string"])


def _api_get_cases(route: Route) -> list[Case]:
    # Every API parameter is text to the router (the operation's types convert it).
    values = {"anonymous": (HUGE,), "administrator": (HUGE, "-1", "%ED%A0%80", "a%00b")}
    cases = [
        Case(who, f"{who} GET {name}={value[:24]}", hostile_path=((name, value),))
        for _conv, name in route.params
        for who, hostile in values.items()
        for value in hostile
        if _allows(route, name, value)
    ]
    query = "&".join(f"{name}={HUGE}" for name in ("limit", "offset", "page", "since", "role"))
    cases.append(Case("administrator", "GET ?huge", query=query))
    return cases


def _api_write_cases(schema: dict[str, Any], method: str, path: str) -> list[Case]:
    op = schema["paths"][path][method]
    content = op.get("requestBody", {}).get("content", {})
    body_schema = content.get("application/json", {}).get("schema")
    cases = []
    for kind in HOSTILE_JSON:
        body = json.dumps(_hostile_json(schema, body_schema, kind) if body_schema else {})
        cases.append(Case("administrator", f"{method} {kind}", method, data=body))
    for raw in RAW_JSON:
        cases.append(Case("administrator", f"{method} raw {raw[:20]}", method, data=raw))
    for name in re.findall(r"\{([^}]+)\}", path):
        cases.append(
            Case(
                "administrator",
                f"{method} {name}={HUGE}",
                method,
                data="{}",
                hostile_path=((name, HUGE),),
            )
        )
    return cases


@dataclass(frozen=True)
class Target:
    """One URL pattern (or API write operation) and the hostile requests sent to it."""

    id: str
    route: Route
    cases: tuple[Case, ...]


def _targets() -> list[Target]:
    targets = [Target(r.name, r, tuple(_app_cases(r))) for r in APP_ROUTES]
    targets += [Target(r.name, r, tuple(_admin_cases(r))) for r in ADMIN_ROUTES if r.params]
    targets += [Target(r.name, r, tuple(_api_get_cases(r))) for r in API_ROUTES]
    schema = _api_schema()
    for path, item in schema["paths"].items():
        for method, op in item.items():
            if method in ("post", "put", "patch", "delete"):
                name = op.get("operationId", f"{method} {path}")
                route = Route(re.sub(r"\{([^}]+)\}", r"<\1>", path.lstrip("/")), name)
                targets.append(Target(name, route, tuple(_api_write_cases(schema, method, path))))
    return targets


TARGETS = _targets()


def _send(world: World, clients: dict[str, Client], target: Target, case: Case) -> str | None:
    client = clients[case.who]
    if case.method != "GET" and case.who != "anonymous":
        # A POST that logs out (or deletes the account) must not leave the next case anonymous.
        client.force_login(world.superuser if case.who == "superuser" else world.town.owner)
    path = _path(target.route, world, dict(case.hostile_path))
    if case.query:
        path = f"{path}?{case.query}"
    with transaction.atomic():
        if case.method == "GET":
            response = client.get(path)
        elif isinstance(case.data, dict):
            response = client.post(path, case.data)
        else:
            content_type = case.content_type or "application/json"
            response = client.generic(case.method.upper(), path, case.data, content_type)
        # Each case starts from the same data; a server error may also have broken the
        # transaction (PostgreSQL), which only a rollback to the savepoint repairs.
        transaction.set_rollback(True)
    return _error(response) if response.status_code >= 500 else None


@pytest.fixture(scope="module")
def results(django_db_setup: None, django_db_blocker: Any) -> dict[tuple[str, str], str | None]:
    """Every case of every target, sent once against one world, rolled back afterwards."""
    found: dict[tuple[str, str], str | None] = {}
    with django_db_blocker.unblock(), transaction.atomic():
        with scopes_disabled():  # only while building: a view that forgets its scope must fail
            world = _build_world()
        # A server error comes back as a 500 response (with its exception), so every case runs.
        clients = {who: Client(raise_request_exception=False) for who in WHO}
        for target in TARGETS:
            cache.clear()  # rate limits would otherwise answer 429 before the input is read
            clients["administrator"].force_login(world.town.owner)
            clients["superuser"].force_login(world.superuser)
            for case in target.cases:
                found[(target.id, case.label)] = _send(world, clients, target, case)
        transaction.set_rollback(True)
    cache.clear()
    return found


WHO = ("anonymous", "administrator", "superuser")


def test_every_kind_of_target_is_fuzzed() -> None:
    # Guards against a walk that silently finds nothing to attack.
    ids = [t.id for t in TARGETS]
    assert any(i.startswith("challenges:") for i in ids)
    assert any(i.startswith("admin:") for i in ids)
    assert any(i.startswith("api:") for i in ids)
    assert any(t.cases and t.cases[0].method == "post" for t in TARGETS)


@pytest.mark.parametrize("target", TARGETS, ids=[t.id for t in TARGETS])
def test_hostile_input_never_gives_a_server_error(
    target: Target, results: dict[tuple[str, str], str | None]
) -> None:
    known = KNOWN_500.keys() | (KNOWN_500_ON_POSTGRESQL.keys() if ON_POSTGRESQL else set())
    failures = [
        f"{label}: {error}"
        for (target_id, label), error in results.items()
        if target_id == target.id and error and (target_id, label) not in known
    ]
    assert not failures, f"/{target.route.route} answered a server error:\n" + "\n".join(failures)


@pytest.mark.parametrize(
    ("target_id", "label"),
    [
        pytest.param(*key, id=" ".join(key), marks=pytest.mark.xfail(strict=True, reason=reason))
        for key, reason in KNOWN_500.items()
    ]
    + [
        pytest.param(
            *key,
            id="postgresql " + " ".join(key),
            marks=pytest.mark.xfail(ON_POSTGRESQL, strict=True, reason=reason),
        )
        for key, reason in KNOWN_500_ON_POSTGRESQL.items()
    ],
)
def test_known_server_errors_owned_elsewhere(
    target_id: str, label: str, results: dict[tuple[str, str], str | None]
) -> None:
    assert (target_id, label) in results, "the case no longer exists: remove it from KNOWN_500"
    assert results[(target_id, label)] is None, results[(target_id, label)]


@pytest.mark.parametrize(
    "path",
    [
        "udfordringer/{huge}/",
        "udfordringer/{huge}/kompleksitet/runde/1/",
        "udfordringer/1/kompleksitet/runde/{huge}/",
        "samtaler/{huge}/",
        "refleksion/{huge}/",
    ],
)
def test_an_id_beyond_64_bits_is_not_found(path: str, client: Client, town_a: Town) -> None:
    url = f"/kommuner/{town_a.municipality.slug}/" + path.format(huge=HUGE)
    client.raise_request_exception = False
    assert client.get(url).status_code == 404
