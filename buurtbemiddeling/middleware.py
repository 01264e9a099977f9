from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class DutchUnlessChosenLocaleMiddleware(LocaleMiddleware):
    """Dutch for everyone unless the user picked English with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language, which would show an
    English page to a Dutch coordinator whose office browser happens to be English. Here the
    choice is the user's: the language cookie set by the switch, else settings.LANGUAGE_CODE.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
