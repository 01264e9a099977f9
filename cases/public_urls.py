"""Public pages, no login: a resident's report and the privacy statement (short Dutch URLs)."""

from django.urls import path

from . import views

app_name = "public"

urlpatterns = [
    path("melden/", views.self_report, name="report"),
    path("melden/bedankt/", views.report_thanks, name="report_thanks"),
    path("privacy/", views.privacy, name="privacy"),
]
