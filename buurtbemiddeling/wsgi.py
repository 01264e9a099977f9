import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "buurtbemiddeling.settings.local")

application = get_wsgi_application()

# What is loaded by now (Django, the apps, the URLconf's modules) lives as long as the worker:
# moved out of the garbage collector's generations, it is not scanned again by every full
# collection during a request, which shortens the slowest requests.
gc.freeze()
