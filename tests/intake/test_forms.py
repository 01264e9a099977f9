"""Every validation rule of the intake forms, including hostile input."""

from __future__ import annotations

import pytest

from cases.forms import PhoneIntakeForm, ReferralForm, SelfReportForm, clean_text
from tests import factories
from tests.intake.conftest import CANARIES, phone_intake_data, referral_data, self_report_data

pytestmark = pytest.mark.django_db

OUTSIDE = "buiten ons werkgebied"


def errors_of(form) -> dict[str, list[str]]:
    assert not form.is_valid()
    return {name: [str(message) for message in messages] for name, messages in form.errors.items()}


def test_a_valid_referral_becomes_case_data(service_area):
    form = ReferralForm(referral_data())

    assert form.is_valid(), form.errors
    data = form.case_data()
    assert data.channel == "partner_referral"
    assert data.partner_reference == "OH-2026-17"
    assert data.conflict_type_codes == ("noise-people", "pets")
    # Without an address of its own, the conflict is at party A's address.
    assert (data.street, data.house_number, data.postcode) == (CANARIES["a_street"], "12", "7531 AB")
    party_a, party_b = data.parties
    assert party_a.role == "A" and party_b.role == "B"
    assert party_a.phone == "+31611112222"
    assert party_a.email == CANARIES["a_email"]
    assert party_b.house_number == "14"


@pytest.mark.parametrize("typed", ["7531ab", "7531 AB", " 7531-ab ", "7531  ab", "7531 - AB", "7531\tab"])
def test_postcodes_are_normalised(service_area, typed):
    form = ReferralForm(referral_data(a_postcode=typed))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["a_postcode"] == "7531 AB"


@pytest.mark.parametrize(
    "typed", ["0531 AB", "753 AB", "7531 A", "7531 SS", "7531 SA", "ABCD EF", "7531AB1", "75311AB"]
)
def test_a_malformed_postcode_gets_a_message(service_area, typed):
    errors = errors_of(ReferralForm(referral_data(a_postcode=typed)))

    assert errors["a_postcode"] == ["Vul een Nederlandse postcode in: vier cijfers en twee letters, zoals 7511 AB."]


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("0612345678", "+31612345678"),
        ("06-12345678", "+31612345678"),
        ("06 1234 5678", "+31612345678"),
        ("+31 6 12345678", "+31612345678"),
        ("0031612345678", "+31612345678"),
        ("053 123 4567", "+31531234567"),
        ("(053) 123-4567", "+31531234567"),
        ("+49 2562 12345", "+49256212345"),
    ],
)
def test_phone_numbers_are_parsed_and_normalised(service_area, typed, stored):
    form = ReferralForm(referral_data(a_phone=typed, b_phone=typed))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["a_phone"] == stored
    assert form.cleaned_data["b_phone"] == stored


@pytest.mark.parametrize("typed", ["12345", "06123", "bel me", "+999 999", "0612345678901234", "06 12 34 56 7x"])
def test_a_phone_number_that_cannot_be_called_gets_a_message(service_area, typed):
    errors = errors_of(ReferralForm(referral_data(a_phone=typed)))

    assert errors["a_phone"] == [
        "Vul een telefoonnummer in waarop we kunnen bellen, zoals 06 12345678 of 053 123 4567."
    ]


def test_a_phone_number_longer_than_its_cap_is_refused(service_area):
    errors = errors_of(ReferralForm(referral_data(a_phone="0" * 31)))

    assert "30" in errors["a_phone"][0]


def test_party_a_needs_a_phone_or_an_email(service_area):
    errors = errors_of(ReferralForm(referral_data(a_phone="", a_email="")))

    assert errors == {
        "a_phone": ["Geef een telefoonnummer of een e-mailadres (of allebei), zodat we partij A kunnen bereiken."]
    }


@pytest.mark.parametrize(("phone", "email"), [("0612345678", ""), ("", "anna@example.nl")])
def test_one_way_to_reach_party_a_is_enough(service_area, phone, email):
    assert ReferralForm(referral_data(a_phone=phone, a_email=email)).is_valid()


def test_the_resident_is_asked_for_their_own_phone_or_email(service_area):
    errors = errors_of(SelfReportForm(self_report_data(a_phone="", a_email="")))

    assert errors["a_phone"] == ["Geef een telefoonnummer of een e-mailadres (of allebei), zodat we u kunnen bereiken."]


def test_email_addresses_are_checked_and_lowercased(service_area):
    assert errors_of(ReferralForm(referral_data(a_email="anna@")))["a_email"] == ["Voer een geldig e-mailadres in."]
    form = ReferralForm(referral_data(a_email="Anna.Aarts@Example.NL"))
    assert form.is_valid()
    assert form.cleaned_data["a_email"] == "anna.aarts@example.nl"


@pytest.mark.parametrize(
    ("typed", "stored"), [("12", "12"), ("12a", "12A"), ("12 a", "12A"), ("12-2", "12-2"), ("7 bis", "7BIS")]
)
def test_house_numbers_are_normalised(service_area, typed, stored):
    form = ReferralForm(referral_data(a_house_number=typed))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["a_house_number"] == stored


@pytest.mark.parametrize("typed", ["twaalf", "0", "-12", "12--2", "A12"])
def test_a_malformed_house_number_gets_a_message(service_area, typed):
    errors = errors_of(ReferralForm(referral_data(a_house_number=typed)))

    assert errors["a_house_number"] == ["Vul een huisnummer in, zoals 12, 12a of 12-2."]


@pytest.mark.parametrize(
    ("field", "limit"),
    [("description", 5000), ("tried_already", 2000), ("a_name", 120), ("a_street", 120), ("partner_reference", 60)],
)
def test_free_text_is_capped(service_area, field, limit):
    assert ReferralForm(referral_data(**{field: "x" * limit})).is_valid()

    errors = errors_of(ReferralForm(referral_data(**{field: "x" * (limit + 1)})))

    assert errors[field] == [f"Zorg dat deze waarde niet meer dan {limit} tekens bevat (het zijn er nu {limit + 1})."]


def test_very_long_text_is_refused_with_a_message_not_an_error(service_area):
    errors = errors_of(ReferralForm(referral_data(description="lawaai " * 200_000)))

    assert "5000" in errors["description"][0]


def test_html_is_kept_as_text(service_area):
    hostile = '<script>alert("x")</script><b onmouseover="x()">vet</b> & &amp;'
    form = ReferralForm(referral_data(description=hostile, a_name="<i>Anna</i>"))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["description"] == hostile
    assert form.cleaned_data["a_name"] == "<i>Anna</i>"


def test_control_characters_and_nul_bytes_are_dropped(service_area):
    form = ReferralForm(
        referral_data(a_name="An\x00na\x07 Aa\x1brts", description="regel 1\r\nregel\x00 2\x0b\rregel 3\x7f")
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["a_name"] == "Anna Aarts"
    assert form.cleaned_data["description"] == "regel 1\nregel 2\nregel 3"


def test_a_line_break_in_a_one_line_field_becomes_a_space(service_area):
    form = ReferralForm(referral_data(a_name="Anna\nAarts", a_street="Hoofd\r\nstraat"))

    assert form.is_valid(), form.errors
    assert (form.cleaned_data["a_name"], form.cleaned_data["a_street"]) == ("Anna Aarts", "Hoofd straat")


def test_emoji_and_right_to_left_text_are_kept(service_area):
    arabic = "محمد العمراني"
    form = ReferralForm(referral_data(a_name=arabic, description="😡 De buren 🐕 blaffen. שלום עליכם"))

    assert form.is_valid(), form.errors
    assert form.cleaned_data["a_name"] == arabic
    assert form.cleaned_data["description"] == "😡 De buren 🐕 blaffen. שלום עליכם"


def test_direction_overrides_are_dropped():
    # U+202E would show the rest of the line backwards on the coordinator's page.
    assert clean_text("Anna \u202eAarts\u202c \u2066x\u2069", multiline=False) == "Anna Aarts x"


def test_text_of_only_whitespace_and_control_characters_counts_as_empty(service_area):
    errors = errors_of(ReferralForm(referral_data(description=" \x00\t\r\n ", a_name="\x00")))

    assert errors["description"] == ["Dit veld is verplicht."]
    assert errors["a_name"] == ["Dit veld is verplicht."]


@pytest.mark.parametrize(
    ("field", "value"),
    [("a_language", "xx"), ("a_tenure", "lease"), ("conflict_types", ["nope"]), ("a_landlord", "999999")],
)
def test_unknown_choices_get_a_message(service_area, field, value):
    errors = errors_of(ReferralForm(referral_data(**{field: value})))

    assert field in errors


def test_at_least_one_kind_of_conflict(service_area):
    errors = errors_of(ReferralForm(referral_data(conflict_types=[])))

    assert errors["conflict_types"] == ["Vink ten minste één soort conflict aan."]


def test_a_landlord_only_for_a_rented_home(service_area, landlord):
    errors = errors_of(ReferralForm(referral_data(a_tenure="own", a_landlord=str(landlord.pk))))
    assert errors["a_landlord"] == ["Kies alleen een verhuurder als de woning wordt gehuurd."]

    form = ReferralForm(referral_data(a_tenure="rent", a_landlord=str(landlord.pk)))
    assert form.is_valid(), form.errors
    assert form.case_data().parties[0].landlord_id == landlord.pk


def test_only_housing_corporations_are_landlords(service_area, organisation):
    police = factories.OrganisationFactory(name="Politie", kind="politie")

    errors = errors_of(ReferralForm(referral_data(a_tenure="rent", a_landlord=str(police.pk))))

    assert "a_landlord" in errors


def test_a_postcode_outside_the_service_area_names_the_area_and_where_else_to_turn(service_area):
    errors = errors_of(ReferralForm(referral_data(a_postcode="7545 AB", b_postcode="")))

    (message,) = errors["a_postcode"]
    assert message.startswith("Postcode 7545 AB ligt buiten ons werkgebied.")
    assert "Buurtbemiddeling Enschede werkt in stadsdeel Oost." in message
    for elsewhere in ("wijkteam", "Juridisch Loket", "112", "0900 8844"):
        assert elsewhere in message


def test_an_unknown_postcode_is_outside_the_service_area(service_area):
    errors = errors_of(ReferralForm(referral_data(a_postcode="1012 AB")))

    assert OUTSIDE in errors["a_postcode"][0]


def test_the_service_area_lists_single_wijken_of_a_partly_joined_stadsdeel(service_area):
    service_area["dolphia"].joined_service_on = None
    service_area["dolphia"].save()

    errors = errors_of(ReferralForm(referral_data(a_postcode="7533 AB")))

    assert "werkt in de wijk Velve-Lindenhof in stadsdeel Oost." in errors["a_postcode"][0]


def test_the_conflict_address_is_checked_against_the_service_area(service_area):
    errors = errors_of(
        ReferralForm(referral_data(c_street="Wesselerbrinklaan", c_house_number="3", c_postcode="7545 AB"))
    )

    assert OUTSIDE in errors["c_postcode"][0]
    assert "a_postcode" not in errors


def test_the_conflict_address_inside_the_area_is_used(service_area):
    form = ReferralForm(
        referral_data(a_postcode="7545 AB", c_street="Dolphiastraat", c_house_number="3", c_postcode="7533ab")
    )

    assert form.is_valid(), form.errors
    assert form.case_data().postcode == "7533 AB"


def test_a_partial_conflict_address_asks_for_the_rest(service_area):
    errors = errors_of(ReferralForm(referral_data(c_postcode="7533 AB")))

    assert set(errors) == {"c_street", "c_house_number"}


def test_a_referral_needs_consent_and_a_reference(service_area):
    errors = errors_of(ReferralForm(referral_data(consent=None, partner_reference="")))

    assert errors["consent"] == ["We kunnen een verwijzing alleen aannemen als partij A ermee heeft ingestemd."]
    assert errors["partner_reference"] == ["Dit veld is verplicht."]


def test_the_self_report_needs_consent_and_links_the_privacy_statement(service_area):
    form = SelfReportForm(self_report_data(consent=None))

    assert errors_of(form)["consent"] == [
        "We kunnen uw melding alleen behandelen als u ermee instemt dat wij uw gegevens verwerken."
    ]
    assert 'href="/privacy/"' in str(form["consent"].label)


def test_a_filled_honeypot_is_spam(service_area):
    assert SelfReportForm(self_report_data(website="http://spam.example")).is_spam()
    assert not SelfReportForm(self_report_data()).is_spam()


def test_the_phone_intake_records_the_channel(service_area):
    form = PhoneIntakeForm(phone_intake_data(intake_channel="walk_in"))

    assert form.is_valid(), form.errors
    assert form.case_data().channel == "walk_in"


@pytest.mark.parametrize("channel", ["", "partner_referral", "web_form", "pigeon"])
def test_the_phone_intake_accepts_phone_email_and_walk_in_only(service_area, channel):
    assert "intake_channel" in errors_of(PhoneIntakeForm(phone_intake_data(intake_channel=channel)))


def test_the_referral_keeps_a_copy_of_what_was_submitted(service_area, landlord):
    form = ReferralForm(referral_data(a_tenure="rent", a_landlord=str(landlord.pk), flag_threat="on"))
    assert form.is_valid(), form.errors

    copy = form.as_submitted()

    assert copy["partner_reference"] == "OH-2026-17"
    assert copy["party_a"]["name"] == CANARIES["a_name"]
    assert copy["party_a"]["landlord"] == "Domijn"
    assert copy["party_b"]["name"] == CANARIES["b_name"]
    assert copy["conflict_types"] == ["noise-people", "pets"]
    assert copy["flags"] == ["flag_threat"]


def test_the_error_summary_links_each_error_to_its_field_and_names_the_party(service_area):
    form = ReferralForm(referral_data(a_name="", b_postcode="nope", conflict_types=[]))
    form.is_valid()

    summary = {anchor: label for anchor, label, _message in form.error_summary()}

    assert summary["id_a_name"] == "Partij A: Naam"
    assert summary["id_b_postcode"] == "Partij B: Postcode"
    assert summary["id_conflict_types_0"] == "Waar gaat het conflict over?"


@pytest.mark.parametrize(
    ("ticked", "message"),
    [
        ([], "Vink ten minste één soort conflict aan."),
        (["noise-people", "no-such-kind"], "Kies uit de genoemde soorten conflict."),
        (["noise\x00people"], "Null-tekens zijn niet toegestaan."),
    ],
)
def test_kinds_of_conflict_that_do_not_exist_get_a_message(service_area, ticked, message):
    errors = errors_of(ReferralForm(referral_data(conflict_types=ticked)))

    assert errors["conflict_types"] == [message]


def test_the_kinds_of_conflict_ticked_are_kept_in_the_forms_order(service_area):
    form = ReferralForm(referral_data(conflict_types=["pets", "noise-people", "pets"]))

    assert form.is_valid(), form.errors
    assert [kind.code for kind in form.cleaned_data["conflict_types"]] == ["noise-people", "pets"]
