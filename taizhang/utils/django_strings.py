"""Django's own strings that its simplified Chinese catalogue does not translate yet.

Marking them here puts them in our catalogue (``make messages``), which Django reads before
its own (LOCALE_PATHS), so the pages do not show them in English.
"""

from django.utils.translation import gettext_noop

STRINGS = [
    gettext_noop("- Select an option -"),  # the blank choice of a select (Django 6)
]
