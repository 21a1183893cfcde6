from django.urls import path

from samskab.challenges import views

app_name = "challenges"

C = "<slug:municipality>/udfordringer/<id:challenge>/"
IDEA = C + "ideer/<id:idea>/"

urlpatterns = [
    path(
        "<slug:municipality>/rum/<slug:space>/ny-udfordring/", views.challenge_create, name="create"
    ),
    path(C, views.challenge_detail, name="detail"),
    path(C + "ret/", views.challenge_edit, name="edit"),
    path(C + "ny-ide/", views.idea_create, name="idea_create"),
    path(C + "lignende/", views.similar, name="similar"),
    path(C + "fase/", views.phase, name="phase"),
    path(C + "godkend/", views.review, name="review"),
    path(C + "sammenlign/", views.compare, name="compare"),
    path(C + "prioritering/", views.ranking, name="ranking"),
    path(C + "eksport/<str:fmt>", views.export, name="export"),
    path(IDEA, views.idea_detail, name="idea"),
    path(IDEA + "ret/", views.idea_edit, name="idea_edit"),
    path(IDEA + "stoet/", views.idea_support, name="support"),
    path(IDEA + "kommenter/", views.idea_comment, name="comment"),
    path(IDEA + "status/", views.outcome, name="outcome"),
    path(
        "<slug:municipality>/kommentarer/<id:comment>/ret/",
        views.comment_edit,
        name="comment_edit",
    ),
    path(
        "<slug:municipality>/kommentarer/<id:comment>/slet/",
        views.comment_delete,
        name="comment_delete",
    ),
    path("<slug:municipality>/anmeld/<str:kind>/<id:pk>/", views.flag_create, name="flag"),
    path("<slug:municipality>/moderation/", views.moderation_queue, name="moderation"),
    path("<slug:municipality>/moderation/<str:kind>/<id:pk>/", views.moderate, name="moderate"),
]
