"""All writes to cases, one module per part of the process.

Import from here (``from cases.services import change_status``); the modules behind it are an
implementation detail that may be split further.
"""

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

__all__ = [
    "CaseData",
    "IllegalTransition",
    "PartyData",
    "_milestone_for",
    "_next_case_number",
    "change_status",
    "create_case",
    "neighbourhood_for_postcode",
]
