from django.contrib import admin
from django.urls import include, path
from django.views.i18n import set_language

import samskab.core.converters  # noqa: F401  (registers <id:...> before the apps' urls load)
from samskab.api import api
from samskab.core import views as core_views
from samskab.municipalities import views as municipality_views

urlpatterns = [
    path("", municipality_views.home, name="home"),
    path("om/", core_views.about, name="about"),
    path("tilgaengelighed/", core_views.accessibility, name="accessibility"),
    path("healthz", core_views.healthz, name="healthz"),
    # Early: a vote is the most frequent request, and each pattern before it is tried first.
    path("api/", api.urls),
    path("sprog/", set_language, name="set_language"),
    path("konto/", include("allauth.urls")),
    path("konto/", include("samskab.accounts.urls")),
    path("konto/", include("samskab.notifications.urls")),
    path("kommuner/", include("samskab.challenges.urls")),
    path("kommuner/", include("samskab.opinions.urls")),
    path("kommuner/", include("samskab.complexity.urls")),
    path("kommuner/", include("samskab.reflection.urls")),
    path("kommuner/", include("samskab.initiatives.urls")),
    path("kommuner/", include("samskab.experiments.urls")),
    path("kommuner/", include("samskab.landscape.urls")),
    path("kommuner/", include("samskab.reports.urls")),
    path("kommuner/", include("samskab.municipalities.urls")),
    path("mig/", include("samskab.home.urls")),
    path("soeg/", include("samskab.search.urls")),
    path("", include("samskab.workshops.urls")),
    path("admin/", admin.site.urls),
]
