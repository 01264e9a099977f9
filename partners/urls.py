from django.urls import path

from . import views

app_name = "partners"

urlpatterns = [
    path("stuurgroep/", views.steering_home, name="steering_home"),
    path("rapportage/", views.report, name="report"),
]
