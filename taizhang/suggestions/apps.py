from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "taizhang.suggestions"
    label = "suggestions"
    verbose_name = _("Suggestions")

    def ready(self):
        from taizhang.supervision import other_work, sources

        from .models import task_source_link
        from .views import todo_counts

        sources.register(task_source_link)
        other_work.register(todo_counts)
