from django.urls import path

from samskab.notifications import views

app_name = "notifications"

urlpatterns = [
    path("afmeld/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("beskeder/", views.preferences, name="preferences"),
    path("notifikationer/", views.inbox, name="inbox"),
]
