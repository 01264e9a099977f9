"""The fields of a coordinator's action form (cases/_triage_actions.html), rendered by crispy.

Crispy takes about 1.5 ms per form. The case page shows up to five action forms, nearly always empty:
an empty form's HTML depends only on its class, its id prefix and the language (labels, choices and
initial values are in the code, no data from the database or the user), so it is rendered once per
process and language. A form that came back with errors is rendered afresh.

The view does not even make the empty forms (a deep copy of every field each): it passes an
``EmptyActionForm`` instead, which the filter turns into the form's HTML from memory.
"""

from __future__ import annotations

from types import MappingProxyType

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_form
from django import template
from django.utils.safestring import SafeString
from django.utils.translation import get_language

register = template.Library()

_empty_forms: dict[tuple, SafeString] = {}


class EmptyActionForm:
    """An action's empty form, not made yet: what the template asks of it (no errors) and how to make it."""

    errors = MappingProxyType({})
    is_bound = False

    def __init__(self, form_class, auto_id: str) -> None:
        self.form_class = form_class
        self.auto_id = auto_id

    def make(self):
        return self.form_class(auto_id=self.auto_id)


@register.filter
def action_form_fields(form) -> SafeString:
    """``{{ form|crispy }}``, from memory for an unbound form without initial data of its own."""
    if isinstance(form, EmptyActionForm):
        key = (form.form_class, form.auto_id, None, get_language())
        if key in _empty_forms:
            return _empty_forms[key]
        form = form.make()
    if form.is_bound or form.initial:
        return as_crispy_form(form)
    key = (type(form), form.auto_id, form.prefix, get_language())
    try:
        return _empty_forms[key]
    except KeyError:
        html = _empty_forms[key] = as_crispy_form(form)
        return html
