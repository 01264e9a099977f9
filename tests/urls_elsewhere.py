"""The project's URLs under another path: for tests of what follows the URL configuration."""

from django.urls import include, path

urlpatterns = [path("elders/", include("buurtbemiddeling.urls"))]
