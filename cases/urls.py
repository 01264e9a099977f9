from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("coordinatie/", views.coordinator_home, name="coordinator_home"),
    path("verwijzingen/", views.referrals, name="referrals"),
    path("<uuid:code>/", views.case_detail, name="detail"),
    path("verwijzingen/<uuid:code>/", views.referral_detail, name="referral_detail"),
]
