"""Samskab's API: OpenAPI 3 at /api/openapi.json, docs at /api/docs."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from samskab.challenges.api import router as challenges_router
from samskab.complexity.api import router as complexity_router
from samskab.core.errors import ServiceError
from samskab.municipalities.api import router as municipalities_router
from samskab.opinions.api import router as opinions_router
from samskab.reflection.api import router as reflection_router
from samskab.workshops.api import router as workshops_router

api = NinjaAPI(
    title="Samskab API",
    version="1",
    description="Samskabelse i kommunerne: kommuner, bevægelser og rum. Samme regler som siderne.",
    urls_namespace="api",
)


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
