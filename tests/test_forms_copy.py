"""buurtbemiddeling.forms: each form's fields copied as Django copies them, without copy.copy's detour.

For every field of every form in the project, copy_field's copy and Django's copy.deepcopy must agree
on what is a new object and what is shared with the class's field, attribute by attribute, for the
field and for its widget, with equal values; and a form changing its own field or widget must leave
the class's and any other form's alone.
"""

from __future__ import annotations

import copy
import importlib
import pkgutil
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.conf import settings
from django.core.exceptions import EmptyResultSet
from django.db.models import QuerySet

from buurtbemiddeling.forms import QuickCopyForm, copy_field, copy_widget
from cases.dashboard_forms import DashboardFilterForm
from cases.forms import IntakeForm, ReferralForm
from partners.forms import PeriodForm


def _project_form_classes() -> list[type[forms.BaseForm]]:
    """Every form class defined in the project's own apps (their form modules imported first)."""
    ours = [config for config in apps.get_app_configs() if Path(config.path).parent == Path(settings.BASE_DIR)]
    for config in ours:
        for module in pkgutil.walk_packages([config.path], prefix=f"{config.name}."):
            if "form" in module.name.rpartition(".")[2]:
                importlib.import_module(module.name)
    found, todo = [], [forms.BaseForm]
    while todo:
        for sub in todo.pop().__subclasses__():
            todo.append(sub)
            # Not the classes a function makes per call (organisation_choice_form's): how many exist
            # depends on what ran before, and the workers of pytest-xdist must collect the same tests.
            local = "<locals>" in sub.__qualname__
            if sub.__module__.split(".")[0] in {config.name for config in ours} and sub.base_fields and not local:
                found.append(sub)
    return sorted(set(found), key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


FORM_CLASSES = _project_form_classes()
FIELDS = [
    pytest.param(form_class, name, id=f"{form_class.__module__}.{form_class.__qualname__}.{name}")
    for form_class in FORM_CLASSES
    for name in form_class.base_fields
]


def _comparable(value):
    if isinstance(value, QuerySet):
        try:
            return (value.model, str(value.query))
        except EmptyResultSet:  # .none()
            return (value.model, None)
    if isinstance(value, forms.Widget):
        return type(value)
    if isinstance(value, forms.Field):
        return type(value)
    try:
        iter(value)
    except TypeError:
        return value
    if isinstance(value, (str, bytes, dict)):
        return value
    return list(value)


def _shape(original, copied) -> dict:
    """Per attribute: shared with the original or new, and its value in a comparable form."""
    return {
        name: (copied.__dict__[name] is value, _comparable(copied.__dict__[name]))
        for name, value in original.__dict__.items()
    }


def test_the_project_has_forms_to_check():
    assert IntakeForm in FORM_CLASSES
    assert len(FIELDS) > 100


@pytest.mark.django_db
@pytest.mark.parametrize(("form_class", "name"), FIELDS)
def test_copy_field_shares_and_renews_what_django_does(form_class, name):
    field = form_class.base_fields[name]
    django_copy = copy.deepcopy(field, {})
    quick_copy = copy_field(field, {})
    assert type(quick_copy) is type(field)
    assert quick_copy is not field
    assert set(quick_copy.__dict__) == set(django_copy.__dict__)
    assert _shape(field, quick_copy) == _shape(field, django_copy)
    assert _shape(field.widget, quick_copy.widget) == _shape(field.widget, django_copy.widget)


@pytest.mark.django_db
def test_a_form_changing_its_fields_leaves_the_class_and_other_forms_alone():
    first, second = ReferralForm(), ReferralForm()
    first.fields["a_name"].label = "changed"
    first.fields["a_name"].widget.attrs["autocomplete"] = "off"
    first.fields["a_name"].validators.append(lambda value: None)
    first.fields["a_name"].error_messages["required"] = "changed"
    first.fields["a_language"].choices = [("xx", "Xx")]
    first.fields["a_landlord"].queryset = first.fields["a_landlord"].queryset.none()
    for untouched in (second.fields, ReferralForm.base_fields):
        assert untouched["a_name"].label != "changed"
        assert untouched["a_name"].widget.attrs.get("autocomplete") != "off"
        assert untouched["a_name"].validators == ReferralForm.base_fields["a_name"].validators
        assert untouched["a_name"].error_messages["required"] != "changed"
        assert ("xx", "Xx") not in untouched["a_language"].choices
        assert ("xx", "Xx") not in untouched["a_language"].widget.choices
        assert untouched["a_landlord"].queryset is not first.fields["a_landlord"].queryset
        assert untouched["a_landlord"].widget.choices.queryset is not first.fields["a_landlord"].queryset


def test_the_hot_forms_use_the_quick_copy():
    for form_class in (IntakeForm, DashboardFilterForm, PeriodForm):
        assert issubclass(form_class, QuickCopyForm)
        assert hasattr(type(form_class.base_fields), "__deepcopy__")


def test_a_field_or_widget_of_another_kind_is_left_to_deepcopy():
    class Multi(forms.MultiValueField):
        def compress(self, values):
            return values

    field = Multi(fields=[forms.CharField(), forms.IntegerField()], widget=forms.SplitDateTimeWidget())
    copied = copy_field(field, {})
    assert copied.fields[0] is not field.fields[0]
    assert copied.widget is not field.widget
    assert copied.widget.widgets[0] is not field.widget.widgets[0]
    widget = forms.SplitDateTimeWidget()
    assert copy_widget(widget, {}).widgets[1] is not widget.widgets[1]


def test_what_the_memo_holds_is_not_copied_again():
    field = forms.CharField()
    memo = {}
    copied = copy_field(field, memo)
    assert copy_field(field, memo) is copied
    assert copy_widget(field.widget, memo) is copied.widget
