"""Views of the mediators app, one module per area; mediators/urls.py imports them from here."""

from .area import home

__all__ = ["home"]
