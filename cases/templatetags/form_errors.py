"""The error summary at the top of a form: one (anchor, label, message) per error, linked to its field."""

from __future__ import annotations

from django import template
from django.utils.html import strip_tags

register = template.Library()


@register.filter
def error_items(form) -> list[tuple[str, str, str]]:
    """The form's own ``error_summary()`` when it has one (it may name groups); else every field error in form order."""
    if form is None or not getattr(form, "errors", None):
        return []
    if hasattr(form, "error_summary"):
        return form.error_summary()
    return [
        (field.id_for_label or f"{field.auto_id}_0", strip_tags(str(field.label)), error)
        for field in form
        for error in field.errors
    ]
