from django.urls import path

from samskab.municipalities import views

app_name = "municipalities"

urlpatterns = [
    path("<slug:municipality>/", views.municipality_detail, name="detail"),
    path("<slug:municipality>/start/", views.open_movement, name="open_movement"),
    path("<slug:municipality>/rum/nyt/", views.space_create, name="space_create"),
    path("<slug:municipality>/rum/<slug:space>/", views.space_detail, name="space"),
    path("<slug:municipality>/rum/<slug:space>/inviter/", views.space_invite, name="space_invite"),
]
