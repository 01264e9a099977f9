from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("zaken/<uuid:code>/inzage/", views.case_access_log, name="case_access_log"),
]
