"""base.html's chrome: {% fragment %} keeps a part per key, {% fixed_url %} is {% url %} reversed once."""

import pytest
from django.template import Context, Template
from django.test import override_settings
from django.urls import get_script_prefix, reverse, set_script_prefix
from django.utils import translation

from buurtbemiddeling.templatetags import chrome

FRAGMENT = Template(
    "{% load i18n chrome %}{% fragment demo LANGUAGE_CODE flag %}"
    "{{ counter.next }} {% translate 'Log in' %} {% url 'home' %}{% endfragment %}"
)


class Counter:
    def __init__(self):
        self.calls = 0

    def next(self):
        self.calls += 1
        return self.calls


@pytest.fixture(autouse=True)
def empty_memory(monkeypatch):
    monkeypatch.setattr(chrome, "_fragments", {})


def render(language, flag, counter):
    return FRAGMENT.render(Context({"LANGUAGE_CODE": language, "flag": flag, "counter": counter}))


def test_a_fragment_is_rendered_once_per_key():
    counter = Counter()
    with translation.override("nl"):
        first = render("nl", True, counter)
        assert render("nl", True, counter) == first == "1 Inloggen /"
        assert render("nl", False, counter) == "2 Inloggen /"
    with translation.override("en"):
        assert render("en", True, counter) == "3 Log in /"
    assert counter.calls == 3


def test_a_fragment_follows_the_script_prefix_and_url_configuration():
    counter = Counter()
    original = get_script_prefix()
    try:
        set_script_prefix("/bb/")
        assert render("nl", True, counter).endswith(" /bb/")
    finally:
        set_script_prefix(original)
    with override_settings(ROOT_URLCONF="tests.urls_elsewhere"):
        assert render("nl", True, counter).endswith(" /elders/")
    assert render("nl", True, counter).endswith(" /")
    assert counter.calls == 3


def test_a_fragment_needs_a_name():
    from django.template import TemplateSyntaxError

    with pytest.raises(TemplateSyntaxError, match="needs a name"):
        Template("{% load chrome %}{% fragment %}x{% endfragment %}")


@pytest.mark.parametrize("name", ["home", "login", "logout", "set_language", "cases:coordinator_home"])
def test_fixed_url_is_the_url_tag(name):
    assert Template(f"{{% load chrome %}}{{% fixed_url '{name}' %}}").render(Context()) == reverse(name)
    with override_settings(ROOT_URLCONF="tests.urls_elsewhere"):
        assert Template(f"{{% load chrome %}}{{% fixed_url '{name}' %}}").render(Context()) == reverse(name)
        assert reverse(name).startswith("/elders/")
