"""A form whose fields are copied for each instance without copy.copy's detour (issue 9).

Django's ``BaseForm.__init__`` deep-copies the class's fields, so that one form can change its own
fields (a label, a queryset, a widget's attrs) without changing them for every other form. Each field's
and widget's ``__deepcopy__`` starts with ``copy.copy(self)``, which goes through the pickle protocol
(``__reduce_ex__``, ``copyreg.__newobj__``, ``_reconstruct``), and deep-copies each list of choices tuple
by tuple. For the 29 fields of the referral form that took about 0.28 ms of a referral's 5 ms of CPU.

``QuickCopyForm`` is Django's ``forms.Form`` with the same copies made directly: for a field or widget whose
class uses Django's own ``__deepcopy__`` (Field's, ChoiceField's, ModelChoiceField's, Widget's or
ChoiceWidget's) and copies as a plain object (no ``__copy__``, ``__reduce__``, ``__getstate__``,
``__setstate__`` or ``__slots__`` of its own), the copy is what that ``__deepcopy__`` makes: a new object
with the same attributes, and new ``widget``, ``attrs``, ``error_messages``, ``validators``, choices and
queryset exactly where Django makes them new. Any other field or widget (a MultiValueField, a
MultiWidget, a class with its own ``__deepcopy__``) is copied by ``copy.deepcopy`` as before.
tests/test_forms_copy.py holds every form of the project to that: what is new and what is shared in
each copy is the same as in Django's.
"""

from __future__ import annotations

import copy
from functools import cache

from django import forms
from django.forms.forms import DeclarativeFieldsMetaclass
from django.forms.widgets import ChoiceWidget
from django.utils.functional import Promise

_FIELD = forms.Field.__deepcopy__
_CHOICE_FIELD = forms.ChoiceField.__deepcopy__
_MODEL_CHOICE_FIELD = forms.ModelChoiceField.__deepcopy__
_WIDGET = forms.Widget.__deepcopy__
_CHOICE_WIDGET = ChoiceWidget.__deepcopy__
_FIELD_COPIES = frozenset({_FIELD, _CHOICE_FIELD, _MODEL_CHOICE_FIELD})
_WIDGET_COPIES = frozenset({_WIDGET, _CHOICE_WIDGET})
# What deepcopy gives back as it is: the elements of a choice that let a choices list be copied as a list.
_ATOMIC = (str, int, float, bool, type(None), Promise)


@cache
def _copies_as_plain_object(cls: type) -> bool:
    """True when copy.copy(obj) of a ``cls`` is cls.__new__(cls) with obj's __dict__, as for Django's fields."""
    return (
        cls.__reduce_ex__ is object.__reduce_ex__
        and cls.__reduce__ is object.__reduce__
        and cls.__getstate__ is object.__getstate__
        and not hasattr(cls, "__setstate__")
        and not hasattr(cls, "__copy__")
        and not any("__slots__" in vars(klass) for klass in cls.__mro__[:-1])
    )


def _plain_copy(obj):
    new = obj.__class__.__new__(obj.__class__)
    new.__dict__.update(obj.__dict__)
    return new


def _flat(choices) -> bool:
    """A list of (value, label) tuples of strings, numbers and lazy texts: no groups, no iterator."""
    return type(choices) is list and all(
        type(choice) is tuple and len(choice) == 2 and all(isinstance(part, _ATOMIC) for part in choice)
        for choice in choices
    )


def _copy_choices(choices, memo):
    """copy.deepcopy(choices, memo): for flat choices, a new list of the same tuples, as deepcopy gives."""
    return list(choices) if _flat(choices) else copy.deepcopy(choices, memo)


def _copy(obj, memo: dict, copies: frozenset, fill):
    """copy.deepcopy(obj, memo), made directly when obj's class uses one of ``copies`` and copies as a plain object.

    ``copies`` are Django's own __deepcopy__ methods; ``fill(original, copy, method, memo)`` completes the
    plain copy as that method would. Anything else goes to copy.deepcopy.
    """
    if id(obj) in memo:
        return memo[id(obj)]
    method = type(obj).__deepcopy__
    if method not in copies or not _copies_as_plain_object(type(obj)):
        return copy.deepcopy(obj, memo)
    result = _plain_copy(obj)
    memo[id(obj)] = result
    fill(obj, result, method, memo)
    return result


def _fill_widget(widget, result, method, memo) -> None:
    # Widget.__deepcopy__ ...
    result.attrs = widget.attrs.copy()
    if method is _CHOICE_WIDGET:
        # ... and ChoiceWidget's.
        if _flat(widget.choices):
            # What the choices setter would make of a copy of them: normalised already, the same list again.
            result._choices = list(widget.choices)
        else:
            result.choices = copy.copy(widget.choices)


def _fill_field(field, result, method, memo) -> None:
    # Field.__deepcopy__ ...
    result.widget = copy_widget(field.widget, memo)
    result.error_messages = field.error_messages.copy()
    result.validators = field.validators[:]
    if method is _CHOICE_FIELD:
        result._choices = _copy_choices(field._choices, memo)
    elif method is _MODEL_CHOICE_FIELD and field.queryset is not None:
        # ... and ModelChoiceField's (not ChoiceField's): a new queryset, and with it the widget's choices.
        result.queryset = field.queryset.all()


def copy_widget(widget: forms.Widget, memo: dict) -> forms.Widget:
    """copy.deepcopy(widget, memo), made directly for Django's own copies (Widget, ChoiceWidget)."""
    return _copy(widget, memo, _WIDGET_COPIES, _fill_widget)


def copy_field(field: forms.Field, memo: dict) -> forms.Field:
    """copy.deepcopy(field, memo), made directly for Django's own copies (Field, ChoiceField, ModelChoiceField)."""
    return _copy(field, memo, _FIELD_COPIES, _fill_field)


class _Fields(dict):
    """A form class's base_fields; BaseForm.__init__'s deepcopy of it copies each field with copy_field."""

    def __deepcopy__(self, memo):
        return {name: copy_field(field, memo) for name, field in self.items()}


class QuickCopyFieldsMetaclass(DeclarativeFieldsMetaclass):
    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        new_class.base_fields = _Fields(new_class.base_fields)
        return new_class


class QuickCopyForm(forms.BaseForm, metaclass=QuickCopyFieldsMetaclass):
    """Django's forms.Form, with each instance's fields copied by copy_field."""
