from django.urls import path

from . import views

app_name = "mediators"

urlpatterns = [
    path("", views.home, name="home"),
]
