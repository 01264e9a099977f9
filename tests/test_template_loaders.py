"""Templates compiled once per language, with their constant {% translate %} texts filled in.

buurtbemiddeling.template_loaders: every form of the tag renders exactly as Django's own cached
loader renders it, in Dutch and in English, whichever language compiled the template first.
"""

from __future__ import annotations

import pytest
from django.template import Context, Engine, NodeList, engines
from django.template.loader_tags import BlockNode
from django.utils import translation

from buurtbemiddeling import template_loaders
from buurtbemiddeling.template_loaders import NodesByTypeKept, TranslatedText

TEMPLATES = {
    "base.html": (
        "{% load i18n %}<title>{% translate 'Pages' %}</title>"
        "<p title=\"{% translate 'Pages' %}\">{% block content %}{% endblock %}</p>"
    ),
    "page.html": """{% extends "base.html" %}{% load i18n %}{% block content %}
plain: {% translate "Parties" %}
apostrophe: {% translate "Pages" %}
percent: {% translate "100%% sure" %}
context: {% translate "Parties" context "a heading" %}
context from a variable: {% translate "Parties" context heading_context %}
as a variable: {% translate "Timeline" as timeline %}{{ timeline }}
with a filter: {% translate "Parties"|upper %}
noop: {% translate "Parties" noop %}
of a variable: {% translate label %}
{% autoescape off %}unescaped: {% translate "Pages" %}{% endautoescape %}
{% if flag %}if: {% translate "Parties" %}{% elif other %}elif: {% translate "Timeline" %}
{% else %}else: {% translate "Pages" %}{% endif %}
{% for item in items %}for: {% translate "Timeline" %}{% empty %}empty: {% translate "Parties" %}{% endfor %}
{% with x=1 %}with: {% translate "Parties" %}{% endwith %}
{% language "en" %}language: {% translate "Parties" %}{% endlanguage %}
{% include "part.html" %}
{% endblock %}""",
    "part.html": "{% load i18n %}include: {% translate 'Timeline' %}",
}
CONTEXTS = [
    {"flag": True, "items": [1], "label": "Parties", "heading_context": "a heading"},
    {"flag": False, "other": True, "items": [], "label": "Pages", "heading_context": "a heading"},
    {"flag": False, "other": False, "items": [], "label": "Timeline", "heading_context": "a heading"},
]


def engine(loader: str) -> Engine:
    return Engine(
        loaders=[(loader, [("django.template.loaders.locmem.Loader", TEMPLATES)])],
        libraries={"i18n": "django.templatetags.i18n"},
    )


def render(engine: Engine, language: str, context: dict) -> str:
    with translation.override(language):
        return engine.get_template("page.html").render(Context(context))


@pytest.mark.parametrize("first", ["nl", "en"])
def test_every_form_of_the_tag_renders_as_with_djangos_own_loader(first):
    ours = engine("buurtbemiddeling.template_loaders.Loader")
    django_own = engine("django.template.loaders.cached.Loader")
    languages = [first, *({"nl", "en"} - {first}), first]
    for language in languages:
        for context in CONTEXTS:
            assert render(ours, language, context) == render(django_own, language, context)

    dutch = render(ours, "nl", CONTEXTS[0])
    assert "plain: Partijen" in dutch
    # A literal's translation is safe (Django marks the literal so): not escaped, with or without autoescape.
    assert "apostrophe: Pagina's" in dutch
    assert "unescaped: Pagina's" in dutch
    assert "language: Parties" in dutch
    assert "include: Tijdlijn" in dutch
    assert "plain: Parties" in render(ours, "en", CONTEXTS[0])


def test_the_constant_texts_are_filled_in_when_the_template_is_compiled():
    ours = engine("buurtbemiddeling.template_loaders.Loader")
    with translation.override("nl"):
        template = ours.get_template("page.html")
    translated = template.nodelist.get_nodes_by_type(TranslatedText)
    left = template.nodelist.get_nodes_by_type(template_loaders.TranslateNode)
    # Compiled: plain, apostrophe, percent, context, elif, for, empty, with (if and else are in the branches).
    assert {node.plain for node in translated} >= {"Partijen", "Pagina's", "Tijdlijn"}
    # Left: a variable context, "as", a filter, noop, a variable, and the one inside {% language %}.
    assert len(left) == 6


def test_the_project_renders_its_templates_through_this_loader():
    [loader] = engines["django"].engine.template_loaders
    assert isinstance(loader, template_loaders.Loader)


def test_a_parent_template_walks_its_nodes_for_the_blocks_once(monkeypatch):
    ours = engine("buurtbemiddeling.template_loaders.Loader")
    walks = []
    walk = NodeList.get_nodes_by_type

    def counted(self, nodetype):
        walks.append(nodetype)
        return walk(self, nodetype)

    monkeypatch.setattr(NodeList, "get_nodes_by_type", counted)
    with translation.override("nl"):
        first = ours.get_template("page.html").render(Context(CONTEXTS[0]))
        walked_once = len(walks)
        again = [ours.get_template("page.html").render(Context(context)) for context in CONTEXTS * 3]
    assert again[0] == first
    # {% extends %} asks base.html for its {% block %} nodes on every render: the walk is made once.
    assert len(walks) == walked_once
    assert BlockNode in walks
    base = ours.get_template("base.html")
    assert isinstance(base.nodelist, NodesByTypeKept)
    # Each caller gets a list of its own.
    assert base.nodelist.get_nodes_by_type(BlockNode) is not base.nodelist.get_nodes_by_type(BlockNode)
