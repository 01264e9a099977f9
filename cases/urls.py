from django.urls import path

from . import views

app_name = "cases"

urlpatterns = [
    path("coordinatie/", views.coordinator_home, name="coordinator_home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("triage/", views.triage_queue, name="triage"),
    path("aanmelden/", views.phone_intake, name="phone_intake"),
    path("verwijzingen/", views.referrals, name="referrals"),
    path("verwijzingen/nieuw/", views.referral_create, name="referral_create"),
    path("verwijzingen/<uuid:code>/", views.referral_detail, name="referral_detail"),
    # Data-subject rights: search terms are POSTed, a person is addressed by an id or a code.
    path("persoonsgegevens/", views.subject_search, name="subject_search"),
    path("persoonsgegevens/partij/<int:pk>/", views.subject_party, name="subject_party"),
    path("persoonsgegevens/partij/<int:pk>/export.json", views.subject_party_export, name="subject_party_export"),
    path("persoonsgegevens/partij/<int:pk>/wissen/", views.subject_party_erase, name="subject_party_erase"),
    path("persoonsgegevens/aanmelding/<uuid:code>/", views.subject_application, name="subject_application"),
    path(
        "persoonsgegevens/aanmelding/<uuid:code>/export.json",
        views.subject_application_export,
        name="subject_application_export",
    ),
    path(
        "persoonsgegevens/aanmelding/<uuid:code>/wissen/",
        views.subject_application_erase,
        name="subject_application_erase",
    ),
    path("<uuid:code>/", views.case_detail, name="detail"),
    path("<uuid:code>/intake-starten/", views.start_intake, name="start_intake"),
    path("<uuid:code>/in-de-wacht/", views.put_on_hold, name="put_on_hold"),
    path("<uuid:code>/niet-geschikt/", views.mark_not_suitable, name="not_suitable"),
    path("<uuid:code>/afsluiten/", views.close, name="close"),
    path("<uuid:code>/contactpoging/", views.contact_attempt, name="contact_attempt"),
]
