from samskab.reports import views

app_name = "reports"

urlpatterns = [
    *views.urlpatterns("<slug:municipality>/udfordringer/<id:challenge>/indstilling/"),
    # the movement's report: all its challenges together
    *views.urlpatterns("<slug:municipality>/bevaegelse/indstilling/", "movement_"),
]
