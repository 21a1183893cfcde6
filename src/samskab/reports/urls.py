from samskab.reports import views

app_name = "reports"

urlpatterns = views.urlpatterns("<slug:municipality>/udfordringer/<id:challenge>/indstilling/")
