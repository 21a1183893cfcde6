from django.urls import path

from samskab.accounts import views

app_name = "accounts"

urlpatterns = [
    path("profil/", views.profile, name="profile"),
    path("mine-data/", views.my_data, name="my_data"),
    path("slet/", views.delete, name="delete"),
]
