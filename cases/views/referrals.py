"""The referrer's area, "Mijn verwijzingen": their organisation's referrals, milestones only.

Referrer feedback is milestones only (DESIGN.md). Besides them a referrer sees what they
submitted themselves (Case.as_submitted), never the case file as it grew after.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from audit.services import Action, record_access
from buurtbemiddeling.decorators import role_required
from buurtbemiddeling.roles import Role

from ..access import get_case_for_user
from ..forms import clean_text
from ..models import Case, CaseEvent, ConflictType, Language, Party
from ..querysets import Scope
from ..templatetags.phone import phone

PAGE_SIZE = 25
QUERY_MAX_LENGTH = 60


@never_cache
@role_required(Role.REFERRER)
@require_GET
def referrals(request: HttpRequest) -> HttpResponse:
    query = clean_text(request.GET.get("q", ""), multiline=False)[:QUERY_MAX_LENGTH]
    cases = Case.objects.visible_to(request.user, scope=Scope.MILESTONES).for_referrer_list()
    if query:
        cases = cases.filter(partner_reference__icontains=query)
    page = Paginator(cases, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(CaseEvent.Milestone.choices)
    for case in page:
        case.milestone_label = labels.get(case.latest_milestone or "", "")
    return render(request, "cases/referrals.html", {"page": page, "cases": page.object_list, "query": query})


@never_cache
@login_required
@require_GET
def referral_detail(request: HttpRequest, code) -> HttpResponse:
    case = get_case_for_user(request.user, code, scope=Scope.MILESTONES)
    milestones = CaseEvent.objects.filter(case=case).exclude(milestone="").only("created_at", "milestone")
    # Milestones and what the referrer sent themselves, party details included: still a case page.
    record_access(request.user, action=Action.CASE_PAGE, case=case, detail="referral")
    return render(
        request,
        "cases/referral_detail.html",
        {
            "case": case,
            "milestones": milestones,
            # Only where the case went, never why: the reason stays in the case file.
            "referred_to": case.referred_to if case.status == "not_suitable" else "",
            "submitted": _submitted_for_display(case.as_submitted),
        },
    )


def _party_rows(party: dict) -> list[tuple[str, str]]:
    languages = dict(Language.choices)
    tenures = dict(Party.Tenure.choices)
    address = " ".join(filter(None, [party.get("street", ""), party.get("house_number", "")]))
    place = " ".join(filter(None, [party.get("postcode", ""), party.get("city", "")]))
    language = str(languages.get(party.get("preferred_language", ""), "")) if "preferred_language" in party else ""
    if party.get("interpreter_needed"):
        language = f"{language} · {_('interpreter needed')}" if language else _("interpreter needed")
    tenure = str(tenures.get(party.get("tenure", ""), "")) if party.get("tenure") else ""
    if party.get("landlord"):
        tenure = f"{tenure} ({party['landlord']})" if tenure else party["landlord"]
    rows = [
        (_("Name"), party.get("name", "")),
        (_("Address"), ", ".join(filter(None, [address, place]))),
        (_("Phone"), phone(party.get("phone", ""))),
        (_("Email"), party.get("email", "")),
        (_("Preferred language"), language),
        (_("Rents or owns the home"), tenure),
    ]
    return [(label, value) for label, value in rows if value]


def _submitted_for_display(snapshot: dict) -> dict | None:
    """What the referrer sent, with labels; None for cases that came in another way."""
    if not snapshot:
        return None
    kinds = ConflictType.objects.filter(code__in=snapshot.get("conflict_types", [])).order_by("position", "name")
    address = snapshot.get("conflict_address", {})
    flags = {
        "flag_psychosocial": _("Psychosocial problems play a part"),
        "flag_language_barrier": _("Language barrier (an interpreter may be needed)"),
        "flag_threat": _("There has been a threat or aggression"),
    }
    return {
        "parties": [
            (_("Party A"), _party_rows(snapshot.get("party_a", {}))),
            (_("Party B"), _party_rows(snapshot.get("party_b", {}))),
        ],
        "conflict_address": ", ".join(
            filter(
                None,
                [
                    " ".join(filter(None, [address.get("street", ""), address.get("house_number", "")])),
                    " ".join(filter(None, [address.get("postcode", ""), address.get("city", "")])),
                ],
            )
        ),
        "conflict_types": [str(kind) for kind in kinds],
        "description": snapshot.get("description", ""),
        "tried_already": snapshot.get("tried_already", ""),
        "flags": [flags[name] for name in snapshot.get("flags", []) if name in flags],
    }
