from django.urls import path

from samskab.home import views

app_name = "home"

urlpatterns = [
    path("", views.me, name="me"),
]
