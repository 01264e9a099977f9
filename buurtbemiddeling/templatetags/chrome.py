"""The page chrome of base.html (navigation, language options, footer): parts that depend only on the code.

``{% fragment name key... %}...{% endfragment %}`` renders its content once per process for each
combination of keys and keeps the HTML in memory. It is for parts that hold nothing personal and
depend on nothing but the keys (the language, the current page, the roles) and the code: they cannot
go stale while the process runs. Its keys must take few values (no user, case or query string).
It replaced ``{% cache ... using="fragments" %}``, whose key hashing, locking and unpickling took
about 50 µs a block on every page (issue 9).

``{% fixed_url "home" %}`` is ``{% url "home" %}`` for a URL without arguments, reversed once
(buurtbemiddeling.listformats.fixed_url).
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf
from django.utils.safestring import SafeString

from buurtbemiddeling.listformats import fixed_url as _fixed_url

register = template.Library()

_fragments: dict[tuple, SafeString] = {}


class FragmentNode(template.Node):
    def __init__(self, nodelist, name: str, keys: list) -> None:
        self.nodelist = nodelist
        self.name = name
        self.keys = keys

    def render(self, context) -> SafeString:
        # The links in a fragment follow the URL configuration and the script prefix: part of every key.
        urlconf = get_urlconf() or settings.ROOT_URLCONF
        key = (self.name, urlconf, get_script_prefix(), *(key.resolve(context) for key in self.keys))
        try:
            return _fragments[key]
        except KeyError:
            html = _fragments[key] = self.nodelist.render(context)
            return html


@register.tag
def fragment(parser, token) -> FragmentNode:
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% fragment %} needs a name, then its keys.")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    return FragmentNode(nodelist, bits[1], [parser.compile_filter(bit) for bit in bits[2:]])


@register.simple_tag
def fixed_url(viewname: str) -> str:
    return _fixed_url(viewname)
