from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuggestionsConfig(AppConfig):
    name = "taizhang.suggestions"
    label = "suggestions"
    verbose_name = _("Suggestions")

    def ready(self):
        from taizhang.notify import subjects
        from taizhang.supervision import other_work, sources

        from .models import Suggestion, task_source_link
        from .views import todo_counts

        sources.register(task_source_link)
        # Deliveries about a suggestion are listed to those who see it.
        subjects.register(Suggestion, lambda user: Suggestion.objects.visible_to(user))
        other_work.register(todo_counts)
