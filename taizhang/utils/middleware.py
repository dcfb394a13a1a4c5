from django.conf import settings
from django.utils import translation


class LanguageMiddleware:
    """Simplified Chinese unless the user chose another language (the set_language cookie).

    Unlike Django's LocaleMiddleware, the browser's Accept-Language is not consulted: an
    office's machines often run English-language browsers, and the product speaks Chinese
    by default.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
