"""Samskab's API: OpenAPI 3 at /api/openapi.json, docs at /api/docs."""

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.parser import Parser

from samskab.challenges.api import router as challenges_router
from samskab.complexity.api import router as complexity_router
from samskab.core.errors import ServiceError
from samskab.experiments.api import router as experiments_router
from samskab.initiatives.api import router as initiatives_router
from samskab.landscape.api import router as landscape_router
from samskab.landscape.dashboard_api import router as dashboard_router
from samskab.municipalities.api import router as municipalities_router
from samskab.opinions.api import router as opinions_router
from samskab.reflection.api import router as reflection_router
from samskab.workshops.api import router as workshops_router


class LoneSurrogate(ValueError):
    pass


def _refuse_lone_surrogates(value: str) -> str:
    # JSON may write half of a UTF-16 pair ("\ud800"); Python decodes it to a string that
    # cannot be stored or sent (UnicodeEncodeError, a 500), so refuse the body here, once.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise LoneSurrogate(value) from None
    return value


class StrictJsonParser(Parser):
    def parse_body(self, request: HttpRequest) -> Any:
        return _checked(json.loads(request.body))


def _checked(data: Any) -> Any:
    if isinstance(data, str):
        return _refuse_lone_surrogates(data)
    if isinstance(data, dict):
        return {_checked(k): _checked(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_checked(item) for item in data]
    return data


api = NinjaAPI(
    title="Samskab API",
    version="1",
    description="Samskabelse i kommunerne: kommuner, bevægelser og rum. Samme regler som siderne.",
    urls_namespace="api",
    parser=StrictJsonParser(),
)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """Ninja's own answer, except for a body with a lone surrogate: say what is wrong."""
    if isinstance(exc.__cause__, LoneSurrogate):
        message = _(
            "Teksten indeholder et ugyldigt tegn (et halvt Unicode-tegn). Fjern det, og prøv igen."
        )
        return api.create_response(request, {"detail": message}, status=400)
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


@api.exception_handler(ServiceError)
def refused(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    """A use case refused by a service: 400 with the (translated) reason, nothing changed."""
    return api.create_response(request, {"detail": str(exc)}, status=400)


api.add_router("/", municipalities_router)
api.add_router("/", challenges_router)
api.add_router("/", opinions_router)
api.add_router("/", complexity_router)
api.add_router("/", reflection_router)
api.add_router("/", workshops_router)
api.add_router("/", initiatives_router)
api.add_router("/", experiments_router)
api.add_router("/", landscape_router)
api.add_router("/", dashboard_router)
