from django.urls import path

from samskab.workshops import views

app_name = "workshops"

W = "kommuner/<slug:municipality>/workshop/<id:session>/"

urlpatterns = [
    path(
        "kommuner/<slug:municipality>/udfordringer/<id:challenge>/workshop/ny/",
        views.create,
        name="create",
    ),
    path(W, views.control, name="control"),
    path(W + "styr/", views.steer, name="steer"),
    path(W + "storskaerm/", views.screen, name="screen"),
    path(W + "storskaerm/live/", views.screen_live, name="screen_live"),
    path("deltag/", views.join, name="join"),
    path("deltag/<str:code>/", views.play, name="play"),
    path("deltag/<str:code>/venter/", views.waiting, name="waiting"),
]
