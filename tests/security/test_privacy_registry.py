"""Every text field of the project's models is classified: personal (and what anonymising does
with it) or not personal (and why). A new field fails here until someone decides."""

from __future__ import annotations

from django.apps import apps

from buurtbemiddeling import privacy


def _project_models():
    return [model for model in apps.get_models() if model._meta.app_label in privacy.PROJECT_APPS]


def _text_fields(model):
    return [field for field in model._meta.concrete_fields if isinstance(field, privacy.TEXT_FIELD_TYPES)]


def test_the_walk_covers_the_project_apps():
    labels = {model._meta.label for model in _project_models()}
    assert {"cases.Case", "cases.Party", "buurtbemiddeling.Notification", "audit.AccessRecord"} <= labels
    assert not any(label.startswith(("auth.", "sessions.", "django_celery_beat.")) for label in labels)


def test_every_text_field_is_declared_personal_or_not():
    unclassified = []
    for model in _project_models():
        label = model._meta.label
        personal = privacy.PERSONAL.get(label, {})
        not_personal = privacy.NOT_PERSONAL.get(label, {})
        for field in _text_fields(model):
            if field.name not in personal and field.name not in not_personal:
                unclassified.append(f"{label}.{field.name}")
    assert unclassified == [], "classify these in buurtbemiddeling/privacy.py"


def test_no_field_is_declared_both_ways_or_declared_without_existing():
    for label, fields in privacy.PERSONAL.items():
        model = apps.get_model(label)
        for name in fields:
            model._meta.get_field(name)  # raises for a field that does not exist
            assert name not in privacy.NOT_PERSONAL.get(label, {}), f"{label}.{name}"
    for label, fields in privacy.NOT_PERSONAL.items():
        model = apps.get_model(label)
        for name in fields:
            model._meta.get_field(name)


def test_every_case_scoped_model_can_reach_its_case():
    for label, fields in privacy.PERSONAL.items():
        if any(entry.scope in (privacy.CASE, privacy.PARTY) for entry in fields.values()):
            assert label in privacy.CASE_LINKS or label == "buurtbemiddeling.Notification", label


def test_a_new_unclassified_field_is_caught(monkeypatch):
    """The check can fail: take one declaration away and the field shows up as unclassified."""
    monkeypatch.setitem(
        privacy.PERSONAL, "cases.Party", {k: v for k, v in privacy.PERSONAL["cases.Party"].items() if k != "phone"}
    )
    missing = [
        f"{model._meta.label}.{field.name}"
        for model in _project_models()
        for field in _text_fields(model)
        if field.name not in privacy.PERSONAL.get(model._meta.label, {})
        and field.name not in privacy.NOT_PERSONAL.get(model._meta.label, {})
    ]
    assert missing == ["cases.Party.phone"]


def test_emptied_values_match_the_field_types():
    from cases.models import Case
    from mediators.models import VolunteerApplication

    assert privacy.emptied(Case)["as_submitted"] == {}
    assert privacy.emptied(VolunteerApplication)["languages"] == []
    assert privacy.emptied(Case)["description"] == ""
