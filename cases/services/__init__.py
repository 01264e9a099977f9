"""All writes to cases, one module per part of the process.

Import from here (``from cases.services import change_status``); the modules behind it are an
implementation detail that may be split further.
"""

from .intake import (
    OutsideServiceArea,
    ReferralResult,
    existing_referral,
    in_service_area,
    log_contact_attempt,
    read_ahead_for_referral,
    referring_organisations,
    referring_organisations_queryset,
    register_reported_case,
    service_area_names,
    submit_referral,
    submit_self_report,
)
from .lifecycle import (
    CaseData,
    IllegalTransition,
    PartyData,
    _milestone_for,
    _next_case_number,
    change_status,
    create_case,
    neighbourhood_for_postcode,
)
from .meetings import (
    AgreementItemData,
    NotAllowed,
    close_case,
    log_party_contact,
    plan_meeting,
    record_agreement,
    record_follow_up,
    record_meeting_outcome,
    reopen_case,
    resume_mediation,
)

__all__ = [
    "AgreementItemData",
    "CaseData",
    "IllegalTransition",
    "NotAllowed",
    "OutsideServiceArea",
    "PartyData",
    "ReferralResult",
    "_milestone_for",
    "_next_case_number",
    "change_status",
    "close_case",
    "create_case",
    "existing_referral",
    "in_service_area",
    "log_contact_attempt",
    "log_party_contact",
    "neighbourhood_for_postcode",
    "plan_meeting",
    "read_ahead_for_referral",
    "record_agreement",
    "record_follow_up",
    "record_meeting_outcome",
    "referring_organisations",
    "referring_organisations_queryset",
    "register_reported_case",
    "reopen_case",
    "resume_mediation",
    "service_area_names",
    "submit_referral",
    "submit_self_report",
]
