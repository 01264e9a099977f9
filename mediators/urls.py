from django.urls import path

from . import views

app_name = "mediators"

urlpatterns = [
    path("", views.home, name="home"),
    # The mediator's area (mediators/views/area.py): a case's mediation page and the calendar feed.
    path("zaken/<uuid:code>/", views.case_page, name="case"),
    path("zaken/<uuid:code>/contactpoging/", views.log_contact, name="log_contact"),
    path("zaken/<uuid:code>/gesprekken/nieuw/", views.plan_meeting, name="plan_meeting"),
    path("zaken/<uuid:code>/gesprekken/<int:meeting_id>/verslag/", views.record_meeting, name="record_meeting"),
    path("zaken/<uuid:code>/gesprekken/<int:meeting_id>/afspraken/", views.record_agreement, name="record_agreement"),
    path("zaken/<uuid:code>/afspraken/<int:agreement_id>/nazorg/", views.record_follow_up, name="record_follow_up"),
    path("zaken/<uuid:code>/verder-bemiddelen/", views.resume, name="resume"),
    path("zaken/<uuid:code>/afsluiten/", views.close, name="close"),
    path("zaken/<uuid:code>/heropenen/", views.reopen, name="reopen"),
    path("agenda/", views.calendar_page, name="calendar"),
    path("agenda/vernieuwen/", views.renew_calendar, name="renew_calendar"),
    path("agenda/<slug:token>.ics", views.calendar_feed, name="calendar_feed"),
    # Duo matching (mediators/views/proposals.py): the mediator's proposals, the coordinator's queue.
    path("voorstellen/", views.my_proposals, name="my_proposals"),
    path("voorstellen/<uuid:code>/", views.proposal_detail, name="proposal"),
    path("voorstellen/<uuid:code>/accepteren/", views.accept_proposal, name="accept_proposal"),
    path("voorstellen/<uuid:code>/afwijzen/", views.decline_proposal, name="decline_proposal"),
    path("koppelen/", views.matching_queue, name="matching_queue"),
    path("koppelen/<uuid:code>/", views.case_matching, name="case_matching"),
    path("koppelen/toewijzing/<uuid:code>/intrekken/", views.withdraw_assignment, name="withdraw_assignment"),
    # The volunteer pool (mediators/views/pool.py), for coordinators.
    path("vrijwilligers/", views.pool, name="pool"),
    path("vrijwilligers/<uuid:code>/", views.mediator_detail, name="mediator_detail"),
    path("vrijwilligers/<uuid:code>/bewerken/", views.mediator_edit, name="mediator_edit"),
    path("vrijwilligers/<uuid:code>/beschikbaarheid/", views.mediator_availability, name="mediator_availability"),
    path("vrijwilligers/<uuid:code>/afwezigheid/", views.add_absence, name="add_absence"),
    path(
        "vrijwilligers/<uuid:code>/afwezigheid/<int:absence_id>/verwijderen/",
        views.remove_absence,
        name="remove_absence",
    ),
    path("vrijwilligers/<uuid:code>/training/", views.add_training, name="add_training"),
    path(
        "vrijwilligers/<uuid:code>/training/<int:record_id>/verwijderen/",
        views.remove_training,
        name="remove_training",
    ),
    path("vrijwilligers/<uuid:code>/wachtwoordmail/", views.send_set_password, name="send_set_password"),
    # Recruitment (mediators/views/recruitment.py): the public form and the coordinator's pipeline.
    path("word-buurtbemiddelaar/", views.apply, name="apply"),
    path("word-buurtbemiddelaar/bedankt/", views.apply_thanks, name="apply_thanks"),
    path("aanmeldingen/", views.applications, name="applications"),
    path("aanmeldingen/<uuid:code>/", views.application_detail, name="application_detail"),
    path("aanmeldingen/<uuid:code>/status/", views.application_status, name="application_status"),
    path("aanmeldingen/<uuid:code>/aannemen/", views.accept_application, name="accept_application"),
]
