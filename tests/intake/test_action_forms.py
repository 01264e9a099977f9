"""The case page's action forms: an empty one from memory, the same HTML crispy writes for the form itself."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django.utils import translation

from cases.templatetags import action_forms
from cases.templatetags.action_forms import EmptyActionForm, action_form_fields
from cases.views.case_file import ACTION_FORMS, action_form


@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("name", sorted(ACTION_FORMS))
def test_an_empty_action_form_reads_as_crispy_writes_the_form(name, language, monkeypatch):
    monkeypatch.setattr(action_forms, "_empty_forms", {})
    with translation.override(language):
        expected = as_crispy_form(action_form(name))
        assert action_form_fields(EmptyActionForm(*ACTION_FORMS[name])) == expected  # made, then kept
        assert action_form_fields(EmptyActionForm(*ACTION_FORMS[name])) == expected  # from memory
        assert action_form_fields(action_form(name)) == expected
    assert EmptyActionForm(*ACTION_FORMS[name]).errors == {}


def test_the_memory_is_per_language(monkeypatch):
    monkeypatch.setattr(action_forms, "_empty_forms", {})
    with translation.override("nl"):
        dutch = action_form_fields(EmptyActionForm(*ACTION_FORMS["hold_form"]))
    with translation.override("en"):
        english = action_form_fields(EmptyActionForm(*ACTION_FORMS["hold_form"]))
    assert dutch != english


def test_a_form_sent_back_with_errors_is_rendered_with_its_errors(monkeypatch):
    monkeypatch.setattr(action_forms, "_empty_forms", {})
    with translation.override("nl"):
        action_form_fields(EmptyActionForm(*ACTION_FORMS["hold_form"]))
        bound = action_form("hold_form", {"text": ""})
        assert not bound.is_valid()
        html = action_form_fields(bound)
    assert html == as_crispy_form(bound)
    assert "is-invalid" in html
