"""Property-based: no input makes an intake form raise or an intake or triage view answer 500.

Each example starts from valid data and replaces a few fields with hostile values: random text
(control characters and NUL included), HTML, emoji, right-to-left text, very long text, lists
where one value is expected, and values for fields that do not exist.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from django.http import QueryDict
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cases.forms import PhoneIntakeForm, ReferralForm, SelfReportForm
from tests import factories
from tests.intake.conftest import phone_intake_data, referral_data, self_report_data

pytestmark = pytest.mark.django_db

EXAMPLES = settings(
    max_examples=60,
    deadline=None,
    database=None,  # no .hypothesis/ folder in the work tree; every run explores afresh
    # The fixtures (database, users) are set up once per test and only read by most examples.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

HOSTILE = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Zs"]), max_size=10),
    st.sampled_from(
        [
            "",
            " ",
            "\x00",
            "a\x00b",
            "<script>alert(1)</script>",
            '"><img src=x onerror=alert(1)>',
            "😡🐕‍🦺👨‍👩‍👧",
            "محمد العمراني",
            "שלום",
            "\u202eevil\u202c",
            "7531 AB",
            "7545ab",
            "0612345678",
            "+31 6 1234 5678",
            "x" * 6000,
            "1" * 300,
            "-1",
            "1e309",
            "NaN",
            "null",
            "../../etc/passwd",
            "' OR 1=1 --",
            "%00",
            "on",
            "rent",
            "noise-people",
        ]
    ),
)
VALUE = st.one_of(HOSTILE, st.lists(HOSTILE, max_size=3), st.none())
INTAKE_FIELDS = [
    *referral_data(),
    "a_landlord",
    "b_landlord",
    "a_interpreter",
    "c_street",
    "c_house_number",
    "c_postcode",
    "flag_threat",
    "website",
    "intake_channel",
    "organisation",
    "referring_organisation",
    "csrfmiddlewaretoken",
    "unknown_field",
]
OVERRIDES = st.dictionaries(st.sampled_from(INTAKE_FIELDS), VALUE, max_size=6)
CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def post_data(base: dict, overrides: dict) -> QueryDict:
    """What a browser could send: every value a string, some fields repeated or missing."""
    merged = {**base, **overrides}
    data = QueryDict(mutable=True)
    for key, value in merged.items():
        if value is None:
            continue
        data.setlist(key, value if isinstance(value, list) else [value])
    return data


def assert_clean(value):
    if isinstance(value, str):
        assert not CONTROL.search(value), repr(value)


@pytest.mark.parametrize(
    ("form_class", "base"),
    [(ReferralForm, referral_data), (SelfReportForm, self_report_data), (PhoneIntakeForm, phone_intake_data)],
)
@EXAMPLES
@given(overrides=OVERRIDES)
def test_no_input_makes_an_intake_form_raise(service_area, landlord, form_class, base, overrides):
    form = form_class(post_data(base(), overrides))

    if form.is_valid():
        data = form.case_data()
        for value in (*form.cleaned_data.values(), data.description, data.postcode):
            assert_clean(value)
        assert re.fullmatch(r"[1-9][0-9]{3} [A-Z]{2}", data.postcode)
        for party in data.parties:
            assert party.phone == "" or party.phone.startswith("+")
            assert_clean(party.name)
        if isinstance(form, ReferralForm):
            form.as_submitted()
    else:
        # Every problem is a message for a field, shown in the summary.
        assert form.error_summary() or form.non_field_errors()


@pytest.fixture
def generous_rate_limit(settings):
    settings.PUBLIC_FORM_RATE_LIMIT = "100000/h"


@EXAMPLES
@given(overrides=OVERRIDES)
def test_no_input_makes_the_public_form_answer_500(client, service_area, generous_rate_limit, overrides):
    response = client.post(reverse("public:report"), post_data(self_report_data(), overrides))

    assert response.status_code in (200, 302)


@EXAMPLES
@given(overrides=OVERRIDES)
def test_no_input_makes_the_referral_form_answer_500(client, service_area, referrer, overrides):
    client.force_login(referrer)

    response = client.post(reverse("cases:referral_create"), post_data(referral_data(), overrides))

    assert response.status_code in (200, 302)


@EXAMPLES
@given(overrides=OVERRIDES)
def test_no_input_makes_the_phone_intake_answer_500(client, service_area, coordinator, overrides):
    client.force_login(coordinator)

    response = client.post(reverse("cases:phone_intake"), post_data(phone_intake_data(), overrides))

    assert response.status_code in (200, 302)


ACTION_FIELDS = ["text", "reason", "referred_to", "outcome", "party", "result", "note", "return_to", "unknown"]
ACTION_DATA = st.dictionaries(
    st.sampled_from(ACTION_FIELDS),
    st.one_of(VALUE, st.sampled_from(["withdrawn", "no_contact", "A", "B", "referrer", "reached", "queue"])),
    max_size=5,
)


@EXAMPLES
@given(
    name=st.sampled_from(["start_intake", "put_on_hold", "not_suitable", "close", "contact_attempt"]), data=ACTION_DATA
)
def test_no_input_makes_a_triage_action_answer_500(client, coordinator, name, data):
    case = factories.CaseFactory(status="intake" if name == "not_suitable" else "new")
    client.force_login(coordinator)

    response = client.post(reverse(f"cases:{name}", kwargs={"code": case.code}), post_data({}, data))

    assert response.status_code in (200, 302)


@EXAMPLES
@given(segment=st.text(min_size=1, max_size=60), query=st.text(max_size=80))
def test_no_address_makes_a_case_page_answer_500(client, coordinator, referrer, segment, query):
    client.force_login(coordinator)
    for path in (f"/zaken/{quote(segment, safe='')}/", f"/zaken/verwijzingen/{quote(segment, safe='')}/"):
        assert client.get(path).status_code in (200, 404)
    assert client.get(reverse("cases:triage"), {"page": query}).status_code == 200

    client.force_login(referrer)
    assert client.get(reverse("cases:referrals"), {"q": query, "page": query}).status_code == 200
