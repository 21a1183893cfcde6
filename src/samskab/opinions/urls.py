from django.urls import path

from samskab.opinions import views

app_name = "opinions"

urlpatterns = [
    path(
        "<slug:municipality>/rum/<slug:space>/samtaler/",
        views.space_conversations,
        name="space_conversations",
    ),
    path(
        "<slug:municipality>/rum/<slug:space>/samtaler/ny/",
        views.conversation_create,
        name="create",
    ),
    path(
        "<slug:municipality>/samtaler/<id:conversation>/",
        views.conversation_detail,
        name="conversation",
    ),
    path("<slug:municipality>/samtaler/<id:conversation>/stem/", views.vote, name="vote"),
    path(
        "<slug:municipality>/samtaler/<id:conversation>/udsagn/",
        views.statement_add,
        name="statement_add",
    ),
    path(
        "<slug:municipality>/samtaler/<id:conversation>/moderation/",
        views.moderation,
        name="moderation",
    ),
    path(
        "<slug:municipality>/samtaler/<id:conversation>/aaben-luk/",
        views.conversation_toggle,
        name="toggle",
    ),
    path("<slug:municipality>/samtaler/<id:conversation>/kort/", views.opinion_map, name="map"),
]
