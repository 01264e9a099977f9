"""Django's cached template loader, with each template compiled once per language (issue 9).

A ``{% translate "literal" %}`` looks its text up in the catalogue every time it is rendered: a
Variable resolved, ``gettext`` through the active language's thread-local, the result escaped. On
the case page that was about 40 tags and 0.4 ms of its 6 ms. The text cannot change while the
process runs (the catalogues are read once), so this loader keeps one compiled copy of a template
per active language and, when it compiles a copy, replaces every such tag whose text is a constant
by that language's text, escaped and unescaped (``TranslatedText``).

Left as they are: a translation of a variable, with a filter, with a context that is not a literal,
``noop``, ``as var`` (it sets a variable), and anything inside ``{% language %}``, which renders its
content in another language than the one the copy is for. ``{% blocktranslate %}`` is left too.

A template's top-level node list also keeps what ``get_nodes_by_type`` finds in it
(``NodesByTypeKept``): ``{% extends %}`` asks its parent for all of its ``{% block %}`` nodes on every
render, a walk through the whole of base.html of about 0.1 ms per page, and a compiled template does
not change.

Configured in settings.TEMPLATES instead of ``APP_DIRS``: the same filesystem and app-directories
loaders, in the same order, behind this one instead of ``django.template.loaders.cached.Loader``.
"""

from __future__ import annotations

from django.template import Context, Node, NodeList, Template
from django.template.defaulttags import IfNode
from django.template.loaders.cached import Loader as CachedLoader
from django.templatetags.i18n import LanguageNode, TranslateNode
from django.utils import translation


class TranslatedText(Node):
    """A ``{% translate "literal" %}`` in one language, translated when its template was compiled."""

    child_nodelists = ()

    def __init__(self, node: TranslateNode, template: Template) -> None:
        self.token = node.token
        self.origin = node.origin
        # Rendered by the tag itself, so that escaping and "%%" are exactly Django's.
        self.escaped = node.render(_context(template, autoescape=True))
        self.plain = node.render(_context(template, autoescape=False))

    def render(self, context) -> str:
        return self.escaped if context.autoescape else self.plain

    def __repr__(self) -> str:
        return f"<{self.__class__.__qualname__}: {self.plain[:25]!r}>"


def _context(template: Template, *, autoescape: bool) -> Context:
    context = Context(autoescape=autoescape)
    context.template = template
    return context


def _is_constant(node: TranslateNode) -> bool:
    expression = node.filter_expression
    if node.noop or node.asvar or expression.filters or expression.var.literal is None:
        return False
    context = node.message_context
    return context is None or (not context.filters and getattr(context.var, "literal", context.var) is not None)


def translate_constants(template: Template) -> None:
    """Replace the constant ``{% translate %}`` tags of ``template`` by the active language's text."""
    _walk(template.nodelist, template)


def _walk(nodelist: NodeList, template: Template) -> None:
    for index, node in enumerate(nodelist):
        if isinstance(node, TranslateNode):
            if _is_constant(node):
                nodelist[index] = TranslatedText(node, template)
            continue
        if isinstance(node, LanguageNode):
            continue
        if isinstance(node, IfNode):
            # IfNode.nodelist is a new list on each access; its branches are the lists it renders.
            children = [branch for _, branch in node.conditions_nodelists]
        else:
            children = [getattr(node, name, None) for name in node.child_nodelists]
        for child in children:
            if isinstance(child, NodeList):
                _walk(child, template)


class NodesByTypeKept(NodeList):
    """A compiled template's top-level nodes, which remember what ``get_nodes_by_type`` found in them."""

    def __init__(self, nodelist: NodeList) -> None:
        super().__init__(nodelist)
        self.contains_nontext = nodelist.contains_nontext
        self._found: dict[type, list[Node]] = {}

    def get_nodes_by_type(self, nodetype):
        if nodetype not in self._found:
            self._found[nodetype] = super().get_nodes_by_type(nodetype)
        return list(self._found[nodetype])


class Loader(CachedLoader):
    """``cached.Loader`` with one copy of each template per active language."""

    def cache_key(self, template_name, skip=None) -> str:
        return f"{translation.get_language()}:{super().cache_key(template_name, skip)}"

    def get_template(self, template_name, skip=None):
        template = super().get_template(template_name, skip)
        if not getattr(template, "constants_translated", False):
            translate_constants(template)
            template.nodelist = NodesByTypeKept(template.nodelist)
            template.constants_translated = True
        return template
