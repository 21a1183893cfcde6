"""The API fuzzed from its own served OpenAPI document (schemathesis, property-based).

Every operation in /api/openapi.json is called with generated input, anonymously and logged in
as a person with each role, on the demo municipality (one person per role, content in every
capability). Session login and CSRF are used as a browser client would. No answer may be a
server error, and every answer must match the schema the document declares for its status code.

Bounded and deterministic: a few examples per operation and person, derandomized, no example
database, so a run takes the same cases every time.
"""

from __future__ import annotations

import json
import os
from contextlib import contextmanager
from typing import Any

import pytest
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from django_scopes import scopes_disabled
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samskab.accounts.models import Role
from samskab.challenges.models import Challenge, Idea
from samskab.demo.content import DEMO_PASSWORD, demo_email, load_demo
from samskab.experiments.models import Experiment
from samskab.initiatives.models import (
    BudgetLine,
    Commitment,
    Initiative,
    Milestone,
    Partner,
    WorkPart,
)
from samskab.opinions.models import Conversation
from samskab.reflection.models import Room
from samskab.workshops.models import LiveSession
from tests.conftest import give_role, make_person

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402
from schemathesis.specs.openapi.checks import response_schema_conformance  # noqa: E402

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 3
CHECKS = [not_a_server_error, response_schema_conformance]
# Identities: nobody, one person per role in the demo municipality, and a citizen of another
# municipality (a real person, but an outsider here).
IDENTITIES = ["anonymous", *[r.value for r in Role], "outsider"]
if os.environ.get("FUZZ_IDENTITIES"):  # a shorter run while fixing: FUZZ_IDENTITIES=borger,...
    IDENTITIES = os.environ["FUZZ_IDENTITIES"].split(",")

# A path parameter's real values, so the generated requests reach real objects (and not only
# 404s); the rest of each request stays generated.
REAL_IDS: dict[str, tuple[type, str]] = {
    "challenge_id": (Challenge, "pk"),
    "idea_id": (Idea, "pk"),
    "conversation_id": (Conversation, "pk"),
    "room_id": (Room, "pk"),
    "session_id": (LiveSession, "pk"),
    "initiative_id": (Initiative, "pk"),
    "milestone_id": (Milestone, "pk"),
    "partner_id": (Partner, "pk"),
    "part_id": (WorkPart, "pk"),
    "line_id": (BudgetLine, "pk"),
    "commitment_id": (Commitment, "pk"),
    "experiment_id": (Experiment, "pk"),
}


def _real_values(code: str) -> dict[str, list[Any]]:
    with scopes_disabled():
        values: dict[str, list[Any]] = {"code": [code]}
        for name, (model, field) in REAL_IDS.items():
            found = list(
                model._base_manager.filter(municipality__code=code)
                .order_by(field)
                .values_list(field, flat=True)
            )
            values[name] = found or [1]
    return values


def _login(identity: str, demo) -> dict[str, str]:
    """Cookies (session, CSRF) and the CSRF header a logged-in browser client would send."""
    client = Client()
    if identity == "anonymous":
        client.get("/")  # a visitor's browser holds a CSRF cookie too
        return {name: morsel.value for name, morsel in client.cookies.items()}
    if identity == "outsider":
        with scopes_disabled():
            person = make_person("outsider@fuzz.test", "Udefra")
            from samskab.municipalities.models import Municipality

            give_role(person, Municipality.objects.get(code="0101"), Role.CITIZEN)
        email, password = person.email, "correct horse battery"
    else:
        email, password = demo_email(identity), DEMO_PASSWORD
    assert client.login(email=email, password=password)
    client.get("/")  # sets the CSRF cookie
    return {name: morsel.value for name, morsel in client.cookies.items()}


@contextmanager
def _in_test_transaction():
    """Requests run inside the test's transaction, as with Django's test client: the WSGI
    handler must not close the connection at the start and end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_schema(kommuner):
    demo = load_demo()
    with _in_test_transaction():
        schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())
    return demo, schema


def _operations(schema) -> list:
    return [result.ok() for result in schema.get_all_operations()]


def _fuzz(operation, real: dict[str, list[Any]], headers: dict, cookies: dict) -> None:
    """A few generated requests to one operation; some reach the seeded objects."""
    ids = {
        p.name: st.sampled_from(real[p.name]) for p in operation.path_parameters if p.name in real
    }

    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        case=operation.as_strategy(),
        use_real=st.booleans(),
        real_ids=st.fixed_dictionaries(ids),
    )
    def run(case, use_real: bool, real_ids: dict[str, Any]) -> None:
        if use_real:
            case.path_parameters.update(real_ids)
        response = case.call(headers=headers, cookies=cookies)
        case.validate_response(response, checks=CHECKS, headers=headers)

    run()


def test_no_server_error_and_every_answer_matches_its_schema(fuzz_schema):
    demo, schema = fuzz_schema
    real = _real_values(demo.municipality.code)
    operations = _operations(schema)
    assert len(operations) > 40, "the served OpenAPI document lists the API's operations"
    failures: list[str] = []
    for identity in IDENTITIES:
        cookies = _login(identity, demo)
        headers = {"X-CSRFToken": cookies["csrftoken"]}
        with _in_test_transaction():
            for operation in operations:
                try:
                    _fuzz(operation, real, headers, cookies)
                except Exception as exc:  # collect every failure, then report them all
                    failures.append(f"{identity} {operation.label}: {type(exc).__name__}: {exc}")
    assert not failures, f"{len(failures)} failures:\n\n" + "\n\n".join(f[:3000] for f in failures)


# --- Regressions the fuzzing found -------------------------------------------------------------


def _api_schemas() -> dict[str, list[type]]:
    """Every request and response schema the API modules define, by the name the OpenAPI
    document gives it."""
    import importlib
    import inspect

    from ninja import Schema

    by_name: dict[str, list[type]] = {}
    for name in [
        "municipalities.api",
        "challenges.api",
        "opinions.api",
        "complexity.api",
        "reflection.api",
        "workshops.api",
        "initiatives.api",
        "experiments.api",
        "landscape.api",
        "landscape.dashboard_api",
    ]:
        module = importlib.import_module(f"samskab.{name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Schema) and cls.__module__ == module.__name__:
                by_name.setdefault(cls.__name__, []).append(cls)
    return by_name


def test_every_schema_name_in_the_document_means_one_schema():
    """The document keeps one component per name: two apps' different `Message` (or
    `ImportIn`, `MunicipalityOut`) made one app's answers break the other's declaration (a
    challenge's form errors under `detail` were documented as a string)."""
    clashes = {
        name: [f"{c.__module__}.{c.__qualname__}" for c in classes]
        for name, classes in _api_schemas().items()
        if len({json.dumps(c.model_json_schema(), sort_keys=True) for c in classes}) > 1
    }
    assert clashes == {}


def test_a_refused_idea_answers_as_its_schema_says(fuzz_schema):
    demo, schema = fuzz_schema
    real = _real_values(demo.municipality.code)
    cookies = _login("borger", demo)
    headers = {"X-CSRFToken": cookies["csrftoken"]}
    operation = schema["/api/municipalities/{code}/challenges/{challenge_id}/ideas"]["POST"]
    with _in_test_transaction():
        for challenge_id in real["challenge_id"]:
            case = operation.Case(
                path_parameters={"code": demo.municipality.code, "challenge_id": challenge_id},
                body={"title": "x", "body": "kort"},
                media_type="application/json",
            )
            response = case.call(headers=headers, cookies=cookies)
            assert response.status_code in (400, 403, 404)
            case.validate_response(response, checks=CHECKS, headers=headers)
