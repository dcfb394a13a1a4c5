from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "taizhang.suggestions"
    label = "suggestions"
    verbose_name = _("Suggestions")

    def ready(self):
        from taizhang.supervision import sources

        from .models import task_source_link

        sources.register(task_source_link)
