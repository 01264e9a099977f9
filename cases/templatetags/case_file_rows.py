"""The case file's party cards and timeline (cases/case_detail.html), written out in Python.

The case page is the coordinator's busiest page after the lists. As template loops a party card
took about 0.3 ms and a timeline entry 60 µs (some twenty variables and conditions each), over a
tenth of the page's budget of about 10 ms for a case with two parties and seven events (issue 9).
The parties and events come with their labels from cases.views.case_file (_with_labels, _timeline);
every value is escaped here as the template engine would, with the standard library's html.escape
(see cases/templatetags/triage_rows.py). tests/intake/test_case_file_rows.py renders the same cards
and entries with the loops this replaced (tests/intake/case_file_rows_reference.html) and requires
the same HTML for every branch, in Dutch and English.
"""

from __future__ import annotations

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from .phone import phone

register = template.Library()

_CARD = (
    '<div class="col-12 col-md-6"><section class="card h-100" aria-labelledby="party-{n}">'
    '<div class="card-body"><h3 class="h5 card-title" id="party-{n}">{role}</h3><dl class="facts mb-0">'
    "<dt>{label_name}</dt><dd>{name}</dd>"
    "<dt>{label_address}</dt><dd>{address}</dd>"
    "<dt>{label_phone}</dt><dd>{phone}</dd>"
    "<dt>{label_email}</dt><dd>{email}</dd>"
    "<dt>{label_language}</dt><dd>{language}</dd>"
    "{tenure}"
    "</dl></div></section></div>\n"
)


@register.simple_tag
def party_cards(parties) -> SafeString:
    """A card per party (with role_label, language_label and tenure_label set), escaped."""
    labels = {
        "label_name": escape(gettext("Name")),
        "label_address": escape(gettext("Address")),
        "label_phone": escape(gettext("Phone")),
        "label_email": escape(gettext("Email")),
        "label_language": escape(gettext("Preferred language")),
    }
    interpreter = " · " + escape(gettext("interpreter needed"))
    label_tenure = escape(gettext("Rents or owns the home"))
    cards = []
    for n, party in enumerate(parties, start=1):
        address = "–"
        if party.street or party.postcode:
            address = (
                f"{escape(party.street)} {escape(party.house_number)}<br>{escape(party.postcode)} {escape(party.city)}"
            )
        tenure = ""
        if party.tenure:
            landlord = f" ({escape(party.landlord.name)})" if party.landlord else ""
            tenure = f"<dt>{label_tenure}</dt><dd>{escape(party.tenure_label)}{landlord}</dd>"
        cards.append(
            _CARD.format(
                n=n,
                role=escape(party.role_label),
                name=escape(party.name) if party.name else "–",
                address=address,
                phone=(f'<a href="tel:{escape(party.phone)}">{escape(phone(party.phone))}</a>' if party.phone else "–"),
                email=f'<a href="mailto:{escape(party.email)}">{escape(party.email)}</a>' if party.email else "–",
                language=escape(party.language_label) + (interpreter if party.interpreter_needed else ""),
                tenure=tenure,
                **labels,
            )
        )
    return mark_safe("".join(cards))  # noqa: S308 - every value above is escaped  # nosec B308 B703


@register.simple_tag
def timeline_items(events) -> SafeString:
    """An ``<li>`` per event (with the labels and strings of cases.views.case_file._timeline), escaped."""
    milestone_label = escape(gettext("Milestone for referrer"))
    items = []
    for event in events:
        change = ""
        if event.old_status or event.new_status:
            change = f": {escape(event.old_status_label or '–')} → {escape(event.new_status_label or '–')}"
        milestone = ""
        if event.milestone:
            milestone = (
                f' <span class="badge text-bg-light border">{milestone_label}: {escape(event.milestone_label)}</span>'
            )
        text = f' <p class="event-text">{escape(event.text)}</p>' if event.text else ""
        items.append(
            f'<li> <time datetime="{escape(event.created_iso)}">{escape(event.created_display)}</time>'
            f" <strong>{escape(event.kind_label)}</strong>{change}{milestone}{text}"
            f' <div class="small text-body-secondary">{escape(event.by_label)}</div> </li>\n'
        )
    return mark_safe("".join(items))  # noqa: S308 - every value above is escaped  # nosec B308 B703
