"""Views of the cases app, one module per area; cases/urls.py imports them from here."""

from .case_file import case_detail, coordinator_home
from .dashboard import dashboard
from .intake import phone_intake, privacy, referral_create, report_thanks, self_report
from .referrals import referral_detail, referrals
from .subject_rights import (
    subject_application,
    subject_application_erase,
    subject_application_export,
    subject_party,
    subject_party_erase,
    subject_party_export,
    subject_search,
)
from .triage import close, contact_attempt, mark_not_suitable, put_on_hold, start_intake, triage_queue

__all__ = [
    "case_detail",
    "close",
    "contact_attempt",
    "coordinator_home",
    "dashboard",
    "mark_not_suitable",
    "phone_intake",
    "privacy",
    "put_on_hold",
    "referral_create",
    "referral_detail",
    "referrals",
    "report_thanks",
    "self_report",
    "start_intake",
    "subject_application",
    "subject_application_erase",
    "subject_application_export",
    "subject_party",
    "subject_party_erase",
    "subject_party_export",
    "subject_search",
    "triage_queue",
]
