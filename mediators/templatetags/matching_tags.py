"""Template helpers for duo matching: the sentences behind a candidate's rank, the duo of a case,
and the number of open proposals on a mediator's home page."""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from mediators import matching, selectors
from mediators.models import Assignment

register = template.Library()

Rule = matching.Rule
Exclusion = matching.Exclusion


def _languages(codes) -> str:
    return get_text_list([selectors.language_label(code) for code in codes], _("and"))


def _experience(detail: dict) -> str:
    mediations = detail["mediations"]
    text = ngettext("%(count)d mediation so far", "%(count)d mediations so far", mediations) % {"count": mediations}
    text += " · " + (_("experienced") if detail["experienced"] else _("new mediator"))
    because = {
        "complex_case": _("experience counts in a complex case"),
        "pairs_with_new": _("pairs with a new mediator"),
        "learns_from_experienced": _("learns alongside an experienced mediator"),
    }
    extra = [because[key] for key in detail["because"] if key in because]
    return "; ".join([text, *extra])


@register.filter
def reason_text(reason: matching.Reason) -> str:
    """One reason for a candidate's rank, as a sentence for the coordinator."""
    detail = reason.detail
    if reason.rule is Rule.CAPACITY:
        return (
            ngettext("%(free)d of %(maximum)d places free", "%(free)d of %(maximum)d places free", detail["free"])
            % detail
        )
    if reason.rule is Rule.AVAILABILITY:
        if not detail["known"]:
            return _("Weekly availability not recorded; not absent")
        return ngettext(
            "%(parts)d free part of a day in the next two weeks (%(evenings)d in the evening)",
            "%(parts)d free parts of days in the next two weeks (%(evenings)d in the evening)",
            detail["parts"],
        ) % {"parts": detail["parts"], "evenings": detail["evenings"]}
    if reason.rule is Rule.LANGUAGES:
        parts = []
        if detail["matched"]:
            parts.append(_("Speaks %(languages)s, as a party does") % {"languages": _languages(detail["matched"])})
        if detail["missing"]:
            parts.append(_("Does not speak %(languages)s") % {"languages": _languages(detail["missing"])})
        return "; ".join(parts) or _("The parties speak Dutch")
    if reason.rule is Rule.TARGET:
        return (
            ngettext(
                "%(cases)d of %(target)d cases this year", "%(cases)d of %(target)d cases this year", detail["target"]
            )
            % detail
        )
    if reason.rule is Rule.EXPERIENCE:
        return _experience(detail)
    return ""


@register.filter
def rule_label(reason: matching.Reason) -> str:
    return {
        Rule.CAPACITY: _("Capacity"),
        Rule.AVAILABILITY: _("Availability"),
        Rule.LANGUAGES: _("Languages"),
        Rule.TARGET: _("This year"),
        Rule.EXPERIENCE: _("Experience"),
    }[reason.rule]


@register.filter
def exclusion_text(exclusion: matching.Exclusion, count: int) -> str:
    """Why ``count`` mediators are not on the list; never who they are."""
    texts = {
        Exclusion.NOT_ACTIVE: ngettext("%(count)d is not active", "%(count)d are not active", count),
        Exclusion.NOT_CERTIFIED: ngettext("%(count)d is not certified", "%(count)d are not certified", count),
        Exclusion.LIVES_IN_NEIGHBOURHOOD: ngettext(
            "%(count)d lives in the neighbourhood of the case or of a party",
            "%(count)d live in the neighbourhood of the case or of a party",
            count,
        ),
        Exclusion.ALREADY_ASKED: ngettext(
            "%(count)d was already asked for this case", "%(count)d were already asked for this case", count
        ),
        Exclusion.NO_CAPACITY: ngettext("%(count)d has no capacity left", "%(count)d have no capacity left", count),
        Exclusion.NOT_AVAILABLE: ngettext(
            "%(count)d is absent or not available in the next two weeks",
            "%(count)d are absent or not available in the next two weeks",
            count,
        ),
    }
    return texts[exclusion] % {"count": count}


@register.simple_tag
def duo_items(duo) -> SafeString:
    """An ``<li>`` per assignment of a duo (mediators.selectors.DUO, lead first): role, mediator and whether
    they accepted, escaped.

    Written here rather than as a template loop (a tenth of a millisecond per mediator on the case page,
    issue 9); tests/coordination/test_duo_items.py requires the HTML of the loop it replaced.
    """
    roles = {Assignment.Role.LEAD: escape(_("Lead mediator"))}
    co_mediator = escape(_("Co-mediator"))
    accepted = f'<span class="badge text-bg-success">{escape(_("accepted"))}</span>'
    waiting = f'<span class="badge text-bg-warning">{escape(_("waiting for an answer"))}</span>'
    items = [
        f"<li> <strong>{roles.get(assignment.role, co_mediator)}:</strong> {escape(str(assignment.mediator))}"
        f" {accepted if assignment.status == Assignment.Status.ACCEPTED else waiting} </li>\n"
        for assignment in duo
    ]
    return mark_safe("".join(items))  # noqa: S308 - every value above is escaped  # nosec B308 B703


@register.simple_tag
def coordination_counts() -> dict[str, int]:
    """For the coordinator's home page: cases in matching, those still needing a mediator, new
    applications. Two queries."""
    from mediators.models import VolunteerApplication

    queue = list(selectors.matching_queue().values_list("proposed_count", "accepted_count"))
    return {
        "matching": len(queue),
        "needing_mediator": sum(1 for proposed, accepted in queue if proposed + accepted < len(Assignment.Role)),
        "new_applications": VolunteerApplication.objects.filter(status=VolunteerApplication.Status.NEW).count(),
    }
