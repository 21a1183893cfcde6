import json

from django.http import HttpRequest, JsonResponse
from django.urls import path

from samskab.urls import urlpatterns as samskab_urlpatterns


def floor(request: HttpRequest) -> JsonResponse:
    if request.method != "POST" or not request.user.is_authenticated:
        return JsonResponse({"message": "no"}, status=403)
    payload = json.loads(request.body)
    return JsonResponse({"statement": payload["statement"], "value": payload["value"]})


urlpatterns = [path("bench-floor/", floor), *samskab_urlpatterns]
