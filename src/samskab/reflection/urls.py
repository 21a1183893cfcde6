from django.urls import path

from samskab.reflection import views

app_name = "reflection"

R = "<slug:municipality>/refleksion/"
ROOM = R + "<id:room>/"
S = ROOM + "moeder/<id:session>/"
L = "<slug:municipality>/laering/"

urlpatterns = [
    path("laering/", views.shared_library, name="shared_library"),
    path("laering/<id:learning>/", views.shared_learning, name="shared_learning"),
    path(R, views.room_list, name="rooms"),
    path(R + "nyt-rum/", views.room_create, name="room_create"),
    path(R + "skabeloner/", views.template_list, name="templates"),
    path(R + "skabeloner/ny/", views.template_edit, name="template_create"),
    path(R + "skabeloner/<slug:key>/", views.template_edit, name="template_edit"),
    path(ROOM, views.room_detail, name="room"),
    path(ROOM + "medlemmer/", views.member_add, name="member_add"),
    path(ROOM + "nyt-moede/", views.session_start, name="session_start"),
    path(ROOM + "ny-laering/", views.learning_create, name="learning_create"),
    path(S, views.session_detail, name="session"),
    path(S + "skriv/", views.entry_write, name="entry_write"),
    path(S + "del/<id:entry>/", views.entry_share, name="entry_share"),
    path(S + "aaben-luk/", views.session_toggle, name="session_toggle"),
    path(L, views.library, name="library"),
    path(L + "<id:learning>/", views.learning_detail, name="learning"),
    path(L + "<id:learning>/samtykke/", views.learning_consent, name="learning_consent"),
    path(L + "<id:learning>/spoerg/", views.learning_ask, name="learning_ask"),
    path(L + "<id:learning>/del/", views.learning_publish, name="learning_publish"),
]
