"""One function per email; each renders a template triplet in the recipient's language.

Templates live in templates/emails/<name>-subject.txt, <name>-body.txt and <name>-body.html.
Privacy (DESIGN.md): an email carries a case number and a link to the case, never a party's
name, address or phone. Everything an email shows is in the context built here, so keep it to
numbers, codes, dates and counts.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from buurtbemiddeling import workdays
from buurtbemiddeling.models import Notification, UserPreference
from cases.models import Case, CaseEvent, Meeting


def language_for(user) -> str:
    try:
        return user.preference.language
    except ObjectDoesNotExist:
        return UserPreference.Language.DUTCH


def case_url(code) -> str:
    return settings.SITE_URL + reverse("cases:detail", args=[code])


def notifications_url() -> str:
    return settings.SITE_URL + reverse("notifications:list")


def address_of(notification: Notification) -> tuple[str, str]:
    """(email address, language) of a row's recipient, with or without an account."""
    if notification.recipient_id is not None:
        return notification.recipient.email, language_for(notification.recipient)
    return notification.to_email, notification.language or UserPreference.Language.DUTCH


def _render(notification: Notification, name: str, context: dict) -> EmailMultiAlternatives:
    to_email, language = address_of(notification)
    context = {**context, "site_url": settings.SITE_URL}
    with translation.override(language):
        # A subject is one line whatever the template's line breaks.
        subject = " ".join(render_to_string(f"emails/{name}-subject.txt", context).split())
        text = render_to_string(f"emails/{name}-body.txt", context)
        html = render_to_string(f"emails/{name}-body.html", context)
    domain = urlsplit(settings.SITE_URL).hostname or "localhost"
    message = EmailMultiAlternatives(
        subject=subject,
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[to_email],
        headers={
            # The same row always gets the same Message-ID: should a send be repeated after a
            # worker died mid-send, mail systems can recognise the duplicate.
            "Message-ID": f"<notification.{notification.pk}.{notification.created_at:%Y%m%d%H%M%S}@{domain}>",
            "Auto-Submitted": "auto-generated",
            "X-Buurtbemiddeling-Notification": str(notification.pk),
        },
    )
    message.attach_alternative(html, "text/html")
    return message


def intake_overdue(notification: Notification) -> EmailMultiAlternatives:
    """To a coordinator: a case is still NEW five working days after it was received."""
    case: Case = notification.subject
    return _render(
        notification,
        "intake_overdue",
        {
            "number": case.number,
            "received_at": case.received_at,
            "deadline": workdays.intake_deadline(case.received_at),
            "working_days": settings.INTAKE_DEADLINE_WORKING_DAYS,
            "case_url": case_url(case.code),
        },
    )


def daily_digest(notification: Notification) -> EmailMultiAlternatives:
    """To a coordinator at 08:00: new referrals, overdue intakes and failed notifications."""
    content = notification.payload

    def with_links(refs):
        return [{"number": ref["number"], "url": case_url(ref["code"])} for ref in refs]

    return _render(
        notification,
        "daily_digest",
        {
            "date": date.fromisoformat(content["date"]),
            "new": with_links(content["new"]),
            "new_total": content["new_total"],
            "new_more": content["new_total"] - len(content["new"]),
            "overdue": with_links(content["overdue"]),
            "overdue_total": content["overdue_total"],
            "overdue_more": content["overdue_total"] - len(content["overdue"]),
            "failed_total": content["failed_total"],
            "working_days": settings.INTAKE_DEADLINE_WORKING_DAYS,
            "notifications_url": notifications_url(),
        },
    )


def mediation_case_url(code) -> str:
    """The mediator's page of a case (mediators:case), where meetings and agreements are recorded."""
    return settings.SITE_URL + reverse("mediators:case", args=[code])


def _meeting_context(meeting) -> dict:
    # The kind of place only (e.g. "at party A's home"), never the free-text location: it may be an address.
    # Lazy labels, so that they are translated into the recipient's language while rendering.
    return {
        "number": meeting.case.number,
        "kind": Meeting.Kind(meeting.kind).label,
        "starts_at": meeting.starts_at,
        "ends_at": meeting.ends_at,
        "place": Meeting.LocationKind(meeting.location_kind).label,
        "case_url": mediation_case_url(meeting.case.code),
    }


def meeting_tomorrow(notification: Notification) -> EmailMultiAlternatives:
    """To a mediator present at a meeting that starts tomorrow."""
    return _render(notification, "meeting_tomorrow", _meeting_context(notification.subject))


def meeting_outcome_missing(notification: Notification) -> EmailMultiAlternatives:
    """To a mediator present at a meeting that ended a day ago and is still 'planned'."""
    return _render(notification, "meeting_outcome_missing", _meeting_context(notification.subject))


def follow_up_due(notification: Notification) -> EmailMultiAlternatives:
    """To the duo on the nazorg date: call both parties and record whether the agreements were kept."""
    agreement = notification.subject
    return _render(
        notification,
        "follow_up_due",
        {
            "number": agreement.case.number,
            "follow_up_on": agreement.follow_up_on,
            "agreed_on": agreement.meeting.starts_at if agreement.meeting_id else agreement.created_at,
            "case_url": mediation_case_url(agreement.case.code),
        },
    )


# Intake: to the referrer and to a self-reporting resident ------------------------------------


def referral_url(code) -> str:
    """The referrer's page of a referral: its milestones and what they submitted."""
    return settings.SITE_URL + reverse("cases:referral_detail", args=[code])


def _referral_context(case: Case) -> dict:
    # The case number and the partner's own reference: never what the case is about.
    organisation = case.referring_organisation
    return {
        "number": case.number,
        "reference": case.partner_reference,
        "organisation": organisation.name if organisation else "",
        "referral_url": referral_url(case.code),
    }


def referral_received(notification: Notification) -> EmailMultiAlternatives:
    """To the referrer: the referral came in, under this case number; what happens next."""
    context = _referral_context(notification.subject) | {"working_days": settings.INTAKE_DEADLINE_WORKING_DAYS}
    return _render(notification, "referral_received", context)


def milestone(notification: Notification) -> EmailMultiAlternatives:
    """To the referrer: their referral reached a milestone (suitable, taken up, closed, ...)."""
    reached = CaseEvent.Milestone(notification.payload["milestone"])
    context = _referral_context(notification.subject) | {"milestone": reached.value, "milestone_label": reached.label}
    return _render(notification, "milestone", context)


def report_received(notification: Notification) -> EmailMultiAlternatives:
    """To a resident who reported on the public form: the number and what happens next, no link.

    The resident has no login, so there is no case page to link to.
    """
    case: Case = notification.subject
    return _render(
        notification,
        "report_received",
        {
            "number": case.number,
            "working_days": settings.INTAKE_DEADLINE_WORKING_DAYS,
            "privacy_url": settings.SITE_URL + reverse("public:privacy"),
        },
    )


# Duo matching and recruitment (mediators) ---------------------------------------------------


def proposal_url(assignment_code) -> str:
    """The proposed mediator's page of a proposal: the anonymous summary, accept or decline."""
    return settings.SITE_URL + reverse("mediators:proposal", args=[assignment_code])


def case_matching_url(case_code) -> str:
    """The coordinator's matching page of a case: the duo, the ranked candidates."""
    return settings.SITE_URL + reverse("mediators:case_matching", args=[case_code])


def _proposal_context(notification: Notification) -> dict:
    # Everything from the payload: the case number, codes for the links, the role, the deadline.
    content = notification.payload
    return {
        "number": content["number"],
        "role": content["role"],
        "answer_by": datetime.fromisoformat(content["answer_by"]),
        "proposal_url": proposal_url(content["assignment_code"]),
        "matching_url": case_matching_url(content["case_code"]),
    }


def proposal(notification: Notification) -> EmailMultiAlternatives:
    """To a mediator the coordinator proposed for a case: look at the summary and answer within 48 hours."""
    return _render(notification, "proposal", _proposal_context(notification))


def proposal_reminder(notification: Notification) -> EmailMultiAlternatives:
    """To a proposed mediator who has not answered after 24 hours."""
    return _render(notification, "proposal_reminder", _proposal_context(notification))


def proposal_declined(notification: Notification) -> EmailMultiAlternatives:
    """To a coordinator: a proposed mediator declined; the case waits for another one."""
    return _render(notification, "proposal_declined", _proposal_context(notification))


def proposal_expired(notification: Notification) -> EmailMultiAlternatives:
    """To a coordinator: a proposal went unanswered for 48 hours and was withdrawn."""
    return _render(notification, "proposal_expired", _proposal_context(notification))


def set_password(notification: Notification) -> EmailMultiAlternatives:
    """To an accepted volunteer: their account exists; choose a password through the link.

    The token is made now, while rendering, and never stored: it is valid for
    PASSWORD_RESET_TIMEOUT and stops working once a password is set. A resend renders a new one.
    """
    user = notification.recipient
    path = reverse(
        "password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return _render(
        notification,
        "set_password",
        {
            "username": user.get_username(),
            "set_password_url": settings.SITE_URL + path,
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
            "login_url": settings.SITE_URL + reverse("login"),
        },
    )


BUILDERS = {
    Notification.Kind.INTAKE_OVERDUE: intake_overdue,
    Notification.Kind.DAILY_DIGEST: daily_digest,
    Notification.Kind.REFERRAL_RECEIVED: referral_received,
    Notification.Kind.REPORT_RECEIVED: report_received,
    Notification.Kind.MILESTONE: milestone,
    Notification.Kind.MEETING_TOMORROW: meeting_tomorrow,
    Notification.Kind.MEETING_OUTCOME_MISSING: meeting_outcome_missing,
    Notification.Kind.FOLLOW_UP_DUE: follow_up_due,
    Notification.Kind.PROPOSAL: proposal,
    Notification.Kind.PROPOSAL_REMINDER: proposal_reminder,
    Notification.Kind.PROPOSAL_DECLINED: proposal_declined,
    Notification.Kind.PROPOSAL_EXPIRED: proposal_expired,
    Notification.Kind.SET_PASSWORD: set_password,
}


def build(notification: Notification) -> EmailMultiAlternatives:
    return BUILDERS[notification.kind](notification)
