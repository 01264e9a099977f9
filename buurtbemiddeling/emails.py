"""One function per email; each renders a template triplet in the recipient's language.

Templates live in templates/emails/<name>-subject.txt, <name>-body.txt and <name>-body.html.
Privacy (DESIGN.md): an email carries a case number and a link to the case, never a party's
name, address or phone. Everything an email shows is in the context built here, so keep it to
numbers, codes, dates and counts.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from buurtbemiddeling import workdays
from buurtbemiddeling.models import Notification, UserPreference
from cases.models import Case


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


BUILDERS = {
    Notification.Kind.INTAKE_OVERDUE: intake_overdue,
    Notification.Kind.DAILY_DIGEST: daily_digest,
}


def build(notification: Notification) -> EmailMultiAlternatives:
    return BUILDERS[notification.kind](notification)
