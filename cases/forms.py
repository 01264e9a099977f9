"""Forms of the cases app: intake (referral, self-report, phone intake) and triage.

Intake forms validate everything before anything is stored: every problem gets a message on its
own field, and the views call a service only with a valid form. Text is kept as text: HTML stays
literal (templates escape it), control characters are removed, and every field has a length cap.
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Field, Fieldset, Layout, Row
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, strip_tags
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from buurtbemiddeling.forms import QuickCopyForm
from partners.models import Organisation

from .models import Channel, ConflictType, Language, Outcome, Party
from .services.intake import conflict_types, conflict_types_queryset, in_service_area, service_area_names
from .services.lifecycle import CaseData, PartyData

PHONE_REGION = "NL"  # numbers without a country code are Dutch

# Explicit direction overrides and isolates: harmless in a form, but a stray one can flip the
# layout of the page that later shows the text. Arabic or Hebrew text needs none of them.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = re.compile(r"\r\n|\r|\u2028|\u2029|\x85")


def clean_text(value: str, *, multiline: bool) -> str:
    """Text as a person typed it, without characters that have no business in it.

    Line breaks become ``\\n`` (or spaces in a one-line field), tabs become spaces, and control
    characters (NUL included: PostgreSQL refuses it), unpaired surrogates and direction
    overrides are dropped. HTML is left alone: it is text, and templates escape it.
    """
    value = _LINE_BREAKS.sub("\n", value).replace("\t", " ")
    kept = []
    for char in value:
        if char == "\n":
            kept.append("\n" if multiline else " ")
        elif char in _BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cs"):
            continue
        else:
            kept.append(char)
    value = "".join(kept)
    if not multiline:
        value = " ".join(value.split())
    return value.strip()


class LineField(forms.CharField):
    """One line of text, cleaned by clean_text."""

    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value, multiline=False) if value else value


class TextField(forms.CharField):
    """Several lines of text, cleaned by clean_text."""

    widget = forms.Textarea

    def __init__(self, *, rows: int = 5, **kwargs):
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value, multiline=True) if value else value


_POSTCODE = re.compile(r"^([1-9][0-9]{3}) ?-? ?([A-Z]{2})$")
# Letter pairs that PostNL does not use.
_POSTCODE_LETTERS_NOT_USED = frozenset({"SA", "SD", "SS"})


class PostcodeField(LineField):
    """A Dutch postcode, stored as ``1234 AB`` however it was typed (1234ab, 1234-AB, ...)."""

    default_error_messages = {
        "invalid": gettext_lazy("Enter a Dutch postcode: four digits and two letters, like 7511 AB.")
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "postal-code", "class": "postcode-input"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        match = _POSTCODE.match(value.upper())
        if not match or match.group(2) in _POSTCODE_LETTERS_NOT_USED:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return f"{match.group(1)} {match.group(2)}"


class PhoneField(LineField):
    """A phone number, Dutch unless it starts with a country code; stored as +31612345678."""

    default_error_messages = {
        "invalid": gettext_lazy("Enter a phone number we can call, like 06 12345678 or 053 123 4567."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.input_type = "tel"
        self.widget.attrs.update({"autocomplete": "tel", "inputmode": "tel"})

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        if len(value) > self.max_length:
            # Leave it to the max_length validator's own message.
            return value
        try:
            number = phonenumbers.parse(value, PHONE_REGION)
        except phonenumbers.NumberParseException:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not phonenumbers.is_valid_number(number):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


_HOUSE_NUMBER = re.compile(r"^[1-9][0-9]{0,4}(?:[-/]?[A-Z0-9]{1,10})?$")


class HouseNumberField(LineField):
    """A house number with an optional addition: 12, 12A, 12-2, 12BIS; spaces dropped, letters upper case."""

    default_error_messages = {"invalid": gettext_lazy("Enter a house number, like 12, 12a or 12-2.")}

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return value
        value = value.replace(" ", "").upper()
        if not _HOUSE_NUMBER.match(value):
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
        return value


class LowercaseEmailField(forms.EmailField):
    """An email address in lower case, so that the same person is recognised in another case."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 254)
        super().__init__(**kwargs)
        self.widget.attrs.update({"autocomplete": "email"})

    def to_python(self, value):
        value = super().to_python(value)
        return clean_text(value, multiline=False).lower() if value else value


def _landlords():
    return Organisation.objects.filter(kind=Organisation.Kind.HOUSING, is_active=True).order_by("name")


class ConflictTypesField(forms.ModelMultipleChoiceField):
    """The kinds of conflict, by code: checked against the list of all kinds, not by a query of their own.

    Django's field builds and compiles a queryset per ticked code and another for all of them, on
    every submitted intake form: about 0.6 ms of the referral's 7 ms, for a table of ten rows.
    The same messages; ``cleaned_data`` holds a list of ConflictType in the form's order.
    """

    def _check_values(self, value) -> list[ConflictType]:
        try:
            value = frozenset(value)
        except TypeError:
            raise forms.ValidationError(self.error_messages["invalid_list"], code="invalid_list") from None
        for code in value:
            self.validate_no_null_characters(code)
        chosen = [kind for kind in conflict_types() if kind.code in value]
        known = {kind.code for kind in chosen}
        for code in value:
            if str(code) not in known:
                raise forms.ValidationError(
                    self.error_messages["invalid_choice"], code="invalid_choice", params={"value": code}
                )
        return chosen


class IntakeForm(QuickCopyForm):
    """The facts of a case, as a referrer, a resident or a coordinator gives them.

    Field names start with ``a_`` (party A: who reports or is referred), ``b_`` (party B, the
    other neighbour, as far as known) or ``c_`` (the address of the conflict). Subclasses add
    what their channel needs and set ``channel``.
    """

    channel: str = ""
    # How the form speaks about party A: "party A" to professionals, "you" to a resident.
    reach_party_a_message = gettext_lazy(
        "Give a phone number or an email address (or both), so that we can reach party A."
    )

    a_name = LineField(label=gettext_lazy("Name"), max_length=120)
    a_street = LineField(label=gettext_lazy("Street"), max_length=120)
    a_house_number = HouseNumberField(label=gettext_lazy("House number"))
    a_postcode = PostcodeField(label=gettext_lazy("Postcode"))
    a_city = LineField(label=gettext_lazy("Town"), max_length=80, initial="Enschede")
    a_phone = PhoneField(label=gettext_lazy("Phone"), required=False)
    a_email = LowercaseEmailField(label=gettext_lazy("Email"), required=False)
    a_language = forms.ChoiceField(
        label=gettext_lazy("Preferred language"), choices=Language.choices, initial=Language.DUTCH
    )
    a_interpreter = forms.BooleanField(label=gettext_lazy("An interpreter is needed"), required=False)
    a_tenure = forms.ChoiceField(
        label=gettext_lazy("Rents or owns the home"),
        choices=Party.Tenure.choices,
        required=False,
        widget=forms.RadioSelect,
        initial=Party.Tenure.UNKNOWN,
    )
    a_landlord = forms.ModelChoiceField(
        label=gettext_lazy("Landlord"),
        queryset=_landlords(),
        required=False,
        empty_label=gettext_lazy("Other landlord or unknown"),
        help_text=gettext_lazy("Only when the home is rented."),
    )

    b_name = LineField(label=gettext_lazy("Name"), max_length=120, required=False)
    b_street = LineField(label=gettext_lazy("Street"), max_length=120, required=False)
    b_house_number = HouseNumberField(label=gettext_lazy("House number"), required=False)
    b_postcode = PostcodeField(label=gettext_lazy("Postcode"), required=False)
    b_phone = PhoneField(label=gettext_lazy("Phone"), required=False)
    b_tenure = forms.ChoiceField(
        label=gettext_lazy("Rents or owns the home"),
        choices=Party.Tenure.choices,
        required=False,
        widget=forms.RadioSelect,
        initial=Party.Tenure.UNKNOWN,
    )
    b_landlord = forms.ModelChoiceField(
        label=gettext_lazy("Landlord"),
        queryset=_landlords(),
        required=False,
        empty_label=gettext_lazy("Other landlord or unknown"),
        help_text=gettext_lazy("Only when the home is rented."),
    )

    c_street = LineField(label=gettext_lazy("Street"), max_length=120, required=False)
    c_house_number = HouseNumberField(label=gettext_lazy("House number"), required=False)
    c_postcode = PostcodeField(label=gettext_lazy("Postcode"), required=False)
    conflict_types = ConflictTypesField(
        label=gettext_lazy("What is the conflict about?"),
        queryset=conflict_types_queryset(),
        to_field_name="code",
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("Tick everything that applies."),
        error_messages={
            "required": gettext_lazy("Tick at least one kind of conflict."),
            "invalid_choice": gettext_lazy("Choose from the kinds of conflict listed."),
            "invalid_pk_value": gettext_lazy("Choose from the kinds of conflict listed."),
        },
    )
    description = TextField(
        label=gettext_lazy("What is going on?"),
        max_length=5000,
        rows=6,
        help_text=gettext_lazy("In a few sentences: what happens, since when, and how it affects daily life."),
    )
    tried_already = TextField(
        label=gettext_lazy("What has been tried already?"),
        max_length=2000,
        rows=3,
        required=False,
        help_text=gettext_lazy("For example a talk with the neighbour, a letter, or a complaint to the landlord."),
    )
    flag_psychosocial = forms.BooleanField(label=gettext_lazy("Psychosocial problems play a part"), required=False)
    flag_language_barrier = forms.BooleanField(
        label=gettext_lazy("Language barrier (an interpreter may be needed)"), required=False
    )
    flag_threat = forms.BooleanField(label=gettext_lazy("There has been a threat or aggression"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The landlords' and kinds of conflict's querysets are the fields' own, built once with the class
        # (lazy: read when a field renders or checks a value), and cloned with each form's fields: building
        # them again per form took about 0.15 ms of a referral's 5 ms.
        # Said once above the conflict's address, not again under its postcode.
        self.conflict_address_hint = _("Leave the conflict's address empty when it is party A's address.")

    @cached_property
    def helper(self) -> FormHelper:
        # Built when the form is rendered ({% crispy form %}), after the subclasses' __init__
        # changed labels and hints; a valid POST redirects without ever building it.
        helper = FormHelper(self)
        helper.form_tag = False
        helper.layout = self.build_layout()
        return helper

    # Layout -------------------------------------------------------------------------------

    def party_a_legend(self) -> str:
        return _("Party A: who is referred")

    def party_b_legend(self) -> str:
        return _("Party B: the other neighbour, as far as known")

    def conflict_legend(self) -> str:
        return _("The conflict")

    def address_row(self, prefix: str) -> Row:
        return Row(
            Column(f"{prefix}_street", css_class="col-12 col-md-6"),
            Column(f"{prefix}_house_number", css_class="col-6 col-md-3"),
            Column(f"{prefix}_postcode", css_class="col-6 col-md-3"),
        )

    def fieldsets_before(self) -> list:
        return []

    def fieldsets_after(self) -> list:
        return []

    def build_layout(self) -> Layout:
        return Layout(
            *self.fieldsets_before(),
            Fieldset(
                self.party_a_legend(),
                "a_name",
                self.address_row("a"),
                "a_city",
                Row(Column("a_phone", css_class="col-12 col-md-6"), Column("a_email", css_class="col-12 col-md-6")),
                Row(
                    Column("a_language", css_class="col-12 col-md-6"),
                    Column("a_interpreter", css_class="col-12 col-md-6 pt-md-4"),
                ),
                Row(Column("a_tenure", css_class="col-12 col-md-6"), Column("a_landlord", css_class="col-12 col-md-6")),
                css_class="intake-fieldset",
            ),
            Fieldset(
                self.party_b_legend(),
                "b_name",
                self.address_row("b"),
                "b_phone",
                Row(Column("b_tenure", css_class="col-12 col-md-6"), Column("b_landlord", css_class="col-12 col-md-6")),
                css_class="intake-fieldset",
            ),
            Fieldset(
                self.conflict_legend(),
                HTML(format_html('<p class="form-text mt-0">{}</p>', self.conflict_address_hint)),
                self.address_row("c"),
                "conflict_types",
                "description",
                "tried_already",
                Div(
                    HTML(format_html('<p class="form-label mb-1">{}</p>', _("Does any of this apply?"))),
                    "flag_psychosocial",
                    "flag_language_barrier",
                    "flag_threat",
                    css_class="mb-3",
                ),
                css_class="intake-fieldset",
            ),
            *self.fieldsets_after(),
        )

    # Short names for the summary where the label is a whole sentence.
    summary_labels = {"consent": gettext_lazy("Consent")}

    def error_groups(self) -> dict[str, str]:
        return {"a": _("Party A"), "b": _("Party B"), "c": _("Address of the conflict")}

    def error_summary(self) -> list[tuple[str, str, str]]:
        """(anchor id, label, message) for each error, in form order, for the summary at the top.

        Labels of party A's and party B's fields are alike ("Name"), so they get the group's name.
        """
        groups = self.error_groups()
        rows = []
        for field in self:
            for error in field.errors:
                group = groups.get(field.name[:1]) if field.name[1:2] == "_" else None
                label = strip_tags(str(self.summary_labels.get(field.name, field.label)))
                anchor = field.id_for_label or f"{field.auto_id}_0"
                rows.append((anchor, f"{group}: {label}" if group else label, error))
        return rows

    # Validation ---------------------------------------------------------------------------

    def clean(self):
        cleaned = super().clean()
        if not {"a_phone", "a_email"} & set(self.errors) and not (cleaned.get("a_phone") or cleaned.get("a_email")):
            self.add_error("a_phone", str(self.reach_party_a_message))
        for prefix in ("a", "b"):
            tenure, landlord = cleaned.get(f"{prefix}_tenure"), cleaned.get(f"{prefix}_landlord")
            if landlord is not None and tenure != Party.Tenure.RENT:
                self.add_error(f"{prefix}_landlord", _("Choose a landlord only when the home is rented."))
        self._clean_conflict_address(cleaned)
        return cleaned

    @classmethod
    def postcode_to_check(cls, data) -> str:
        """The postcode whose area clean() will look up in ``data``, normalised as its field would; or "".

        For a view that reads the area ahead, with its other lookups (cases.services.read_ahead_for_referral).
        The conflict's postcode when one was typed, else party A's, as _clean_conflict_address decides when
        the conflict's address is complete; an answer clean() does not ask for costs nothing but the read.
        """
        for name in ("c_postcode", "a_postcode"):
            if typed := data.get(name):
                try:
                    return cls.base_fields[name].clean(typed)
                except forms.ValidationError:
                    return ""
        return ""

    def _clean_conflict_address(self, cleaned) -> None:
        names = ("c_street", "c_house_number", "c_postcode")
        given = [name for name in names if cleaned.get(name)]
        if given and len(given) < len(names):
            for name in names:
                if name not in given and name not in self.errors:
                    self.add_error(
                        name,
                        _(
                            "Fill in the street, house number and postcode of the conflict's address, "
                            "or leave all three empty."
                        ),
                    )
            return
        postcode_field = "c_postcode" if given else "a_postcode"
        postcode = cleaned.get(postcode_field)
        if postcode and postcode_field not in self.errors and not in_service_area(postcode):
            self.add_error(postcode_field, outside_service_area_message(postcode))

    # Output -------------------------------------------------------------------------------

    def conflict_address(self) -> dict[str, str]:
        data = self.cleaned_data
        if data.get("c_postcode"):
            return {
                "street": data["c_street"],
                "house_number": data["c_house_number"],
                "postcode": data["c_postcode"],
                "city": data["a_city"],
            }
        return {
            "street": data["a_street"],
            "house_number": data["a_house_number"],
            "postcode": data["a_postcode"],
            "city": data["a_city"],
        }

    def parties(self) -> tuple[PartyData, ...]:
        data = self.cleaned_data
        party_a = PartyData(
            role=Party.Role.A,
            name=data["a_name"],
            street=data["a_street"],
            house_number=data["a_house_number"],
            postcode=data["a_postcode"],
            city=data["a_city"],
            phone=data["a_phone"],
            email=data["a_email"],
            preferred_language=data["a_language"],
            interpreter_needed=data["a_interpreter"],
            tenure=data["a_tenure"],
            landlord_id=data["a_landlord"].pk if data["a_landlord"] else None,
        )
        b_fields = ("b_name", "b_street", "b_house_number", "b_postcode", "b_phone", "b_tenure", "b_landlord")
        if not any(data.get(name) for name in b_fields):
            return (party_a,)
        party_b = PartyData(
            role=Party.Role.B,
            name=data["b_name"],
            street=data["b_street"],
            house_number=data["b_house_number"],
            postcode=data["b_postcode"],
            city=data["a_city"] if data["b_postcode"] else "",
            phone=data["b_phone"],
            tenure=data["b_tenure"],
            landlord_id=data["b_landlord"].pk if data["b_landlord"] else None,
        )
        return (party_a, party_b)

    def case_data(self, *, channel: str | None = None, partner_reference: str = "") -> CaseData:
        data = self.cleaned_data
        return CaseData(
            channel=channel or self.channel,
            description=data["description"],
            tried_already=data["tried_already"],
            conflict_type_codes=tuple(sorted(kind.code for kind in data["conflict_types"])),
            flag_psychosocial=data["flag_psychosocial"],
            flag_language_barrier=data["flag_language_barrier"],
            flag_threat=data["flag_threat"],
            partner_reference=partner_reference,
            parties=self.parties(),
            **self.conflict_address(),
        )


def outside_service_area_message(postcode: str) -> str:
    names = service_area_names(on=timezone.localdate())
    if names:
        area = _("Buurtbemiddeling Enschede works in %(area)s.") % {"area": get_text_list(names, _("and"))}
    else:
        area = _("Buurtbemiddeling Enschede does not work in any neighbourhood yet.")
    return " ".join(
        [
            _("Postcode %(postcode)s is outside our service area.") % {"postcode": postcode},
            area,
            _(
                "Elsewhere, ask your own municipality (gemeente) or its wijkteam whether there is neighbour "
                "mediation where you live. Het Juridisch Loket gives free legal advice on 0800 8020. In danger? "
                "Call 112; for the police when it is not urgent, call 0900 8844."
            ),
        ]
    )


class ReferralForm(IntakeForm):
    """A partner's referral. The organisation and the referrer come from the login, not from here."""

    channel = Channel.PARTNER_REFERRAL

    partner_reference = LineField(
        label=gettext_lazy("Your reference"),
        max_length=60,
        help_text=gettext_lazy(
            "Your own file or case number, so that you can find this referral back. No names, please."
        ),
    )
    consent = forms.BooleanField(
        label=gettext_lazy("Party A agreed that their details are passed on to Buurtbemiddeling Enschede."),
        error_messages={"required": gettext_lazy("We can only accept a referral when party A agreed to it.")},
    )

    def fieldsets_before(self) -> list:
        return [Fieldset(_("Your referral"), "partner_reference", css_class="intake-fieldset")]

    def fieldsets_after(self) -> list:
        return [Fieldset(_("Consent"), "consent", css_class="intake-fieldset")]

    def case_data(self, **kwargs) -> CaseData:
        return super().case_data(partner_reference=self.cleaned_data["partner_reference"], **kwargs)

    def partner_reference_as_typed(self) -> str:
        """The reference alone, cleaned, before the rest of the form is looked at ("" if invalid)."""
        field = self.fields["partner_reference"]
        try:
            return field.clean(
                field.widget.value_from_datadict(self.data, self.files, self.add_prefix("partner_reference"))
            )
        except forms.ValidationError:
            return ""

    def as_submitted(self) -> dict:
        """The referrer's own copy of what they sent, shown back to them on the referral page."""
        data = self.cleaned_data
        case_data = self.case_data()
        landlords = {"a": data["a_landlord"], "b": data["b_landlord"]}
        parties = {}
        for party in case_data.parties:
            prefix = party.role.lower()
            # Only what the form asked: party B's language is a model default, not submitted.
            left_out = {"role", "landlord_id"} | ({"preferred_language"} if prefix == "b" else set())
            fields = {
                key: value
                for key, value in party.__dict__.items()
                if key not in left_out and value not in ("", None, False)
            }
            if landlords[prefix] is not None:
                fields["landlord"] = landlords[prefix].name
            parties[prefix] = fields
        return {
            "partner_reference": case_data.partner_reference,
            "party_a": parties.get("a", {}),
            "party_b": parties.get("b", {}),
            "conflict_address": {
                "street": case_data.street,
                "house_number": case_data.house_number,
                "postcode": case_data.postcode,
                "city": case_data.city,
            },
            "conflict_types": list(case_data.conflict_type_codes),
            "description": case_data.description,
            "tried_already": case_data.tried_already,
            "flags": [name for name in ("flag_psychosocial", "flag_language_barrier", "flag_threat") if data[name]],
            "consent": True,
        }


class SelfReportForm(IntakeForm):
    """The public form "Meld een burenprobleem": the resident is party A."""

    channel = Channel.WEB_FORM
    reach_party_a_message = gettext_lazy("Give a phone number or an email address (or both), so that we can reach you.")
    # The honeypot: people never see it, form-filling robots fill it in.
    HONEYPOT = "website"

    website = LineField(label=gettext_lazy("Leave this field empty"), required=False, max_length=200)
    consent = forms.BooleanField(
        error_messages={
            "required": gettext_lazy("We can only handle your report when you agree that we process your details.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["consent"].label = format_html(
            '{} <a href="{}" target="_blank" rel="noopener">{}</a>',
            _("I agree that Buurtbemiddeling Enschede processes my details to handle this report, as explained in the"),
            reverse("public:privacy"),
            _("privacy statement (opens in a new tab)"),
        )
        self.fields["a_name"].label = _("Your name")
        self.fields["a_name"].widget.attrs["autocomplete"] = "name"
        self.fields["a_street"].widget.attrs["autocomplete"] = "address-line1"
        self.fields["a_email"].help_text = _("We send a confirmation of your report to this address.")
        self.fields["a_tenure"].label = _("Do you rent or own your home?")
        self.fields["a_interpreter"].label = _("I would like an interpreter")
        self.fields["b_name"].label = _("Name of your neighbour")
        self.conflict_address_hint = _("Leave the address of the problem empty when it is your own address.")
        self.fields["description"].label = _("What is the problem?")
        self.fields["flag_psychosocial"].label = _("My neighbour or I also have other serious problems")
        self.fields["flag_threat"].label = _("I have been threatened, or there was aggression")
        self.fields["flag_language_barrier"].label = _("My neighbour and I do not speak the same language well")
        self.fields["tried_already"].help_text = _(
            "For example a talk with your neighbour, a letter, or a complaint to the landlord."
        )

    def party_a_legend(self) -> str:
        return _("About you")

    def party_b_legend(self) -> str:
        return _("Your neighbour, as far as you know")

    def error_groups(self) -> dict[str, str]:
        return {"a": _("About you"), "b": _("Your neighbour"), "c": _("Address of the problem")}

    def conflict_legend(self) -> str:
        return _("The problem")

    def fieldsets_after(self) -> list:
        return [
            Fieldset(_("Consent"), "consent", css_class="intake-fieldset"),
            # Off-screen through a CSS class (no inline style: CSP), skipped by keyboard and screen readers.
            Div(
                Field(self.HONEYPOT, tabindex="-1", autocomplete="off"),
                css_class="hp-field",
                aria_hidden="true",
            ),
        ]

    def is_spam(self) -> bool:
        """True when the honeypot was filled in: answer as if all went well, store nothing."""
        value = self.data.get(self.HONEYPOT)
        return isinstance(value, str) and bool(clean_text(value, multiline=False))


class PhoneIntakeForm(IntakeForm):
    """A coordinator registers a report received by phone, email or at the desk."""

    CHANNELS = [
        (Channel.PHONE, Channel.PHONE.label),
        (Channel.EMAIL, Channel.EMAIL.label),
        (Channel.WALK_IN, Channel.WALK_IN.label),
    ]

    intake_channel = forms.ChoiceField(
        label=gettext_lazy("How did the report come in?"), choices=CHANNELS, widget=forms.RadioSelect
    )
    consent = forms.BooleanField(
        label=gettext_lazy("Party A agreed that Buurtbemiddeling Enschede processes their details for mediation."),
        error_messages={"required": gettext_lazy("Ask party A for consent before registering the report.")},
    )

    def party_a_legend(self) -> str:
        return _("Party A: who reports")

    def fieldsets_before(self) -> list:
        return [Fieldset(_("The report"), "intake_channel", css_class="intake-fieldset")]

    def fieldsets_after(self) -> list:
        return [Fieldset(_("Consent"), "consent", css_class="intake-fieldset")]

    def case_data(self, **kwargs) -> CaseData:
        return super().case_data(channel=self.cleaned_data["intake_channel"], **kwargs)


def organisation_choice_form(organisations):
    """Only for a referrer who belongs to several organisations: for which one they refer."""

    class OrganisationForm(forms.Form):
        organisation = forms.ModelChoiceField(
            label=gettext_lazy("Referring on behalf of"), queryset=organisations, empty_label=None
        )

    return OrganisationForm


# Triage ---------------------------------------------------------------------------------------


class TriageTextForm(forms.Form):
    text = TextField(label=gettext_lazy("Note"), max_length=2000, required=False, rows=2)


class HoldForm(forms.Form):
    text = TextField(
        label=gettext_lazy("Why on hold, and until when?"),
        max_length=2000,
        rows=2,
        error_messages={"required": gettext_lazy("Say why the case goes on hold.")},
    )


class NotSuitableForm(forms.Form):
    reason = TextField(
        label=gettext_lazy("Why is the case not suitable?"),
        max_length=2000,
        rows=3,
        help_text=gettext_lazy("For the case file only; the referrer does not see it."),
        error_messages={"required": gettext_lazy("Give the reason why the case is not suitable.")},
    )
    referred_to = LineField(
        label=gettext_lazy("Referred to"),
        max_length=200,
        required=False,
        help_text=gettext_lazy(
            "The organisation, e.g. the wijkteam or Alifa. The referrer sees this; name no reason here."
        ),
    )


class CloseForm(forms.Form):
    outcome = forms.ChoiceField(
        label=gettext_lazy("Outcome"),
        choices=[("", gettext_lazy("Choose an outcome")), *Outcome.choices],
        error_messages={"required": gettext_lazy("Choose an outcome to close the case.")},
    )
    text = TextField(label=gettext_lazy("Note"), max_length=2000, rows=2, required=False)


class ContactAttemptForm(forms.Form):
    RESULTS = [
        ("reached", gettext_lazy("Reached")),
        ("no_answer", gettext_lazy("No answer")),
        ("message_left", gettext_lazy("Left a message")),
        ("wrong_number", gettext_lazy("Wrong number or address")),
    ]
    WITH = [
        ("A", gettext_lazy("Party A")),
        ("B", gettext_lazy("Party B")),
        ("referrer", gettext_lazy("The referrer")),
    ]

    party = forms.ChoiceField(label=gettext_lazy("With"), choices=WITH, initial="A")
    result = forms.ChoiceField(label=gettext_lazy("Result"), choices=RESULTS)
    note = TextField(label=gettext_lazy("Note"), max_length=1000, rows=2, required=False)

    def event_text(self) -> str:
        data = self.cleaned_data
        summary = f"{dict(self.WITH)[data['party']]}: {dict(self.RESULTS)[data['result']]}"
        return f"{summary}. {data['note']}" if data["note"] else summary
