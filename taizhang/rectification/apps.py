from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "taizhang.rectification"
    label = "rectification"
    verbose_name = _("Rectification")

    def ready(self):
        from taizhang.supervision import other_work, sources

        from .models import task_source_link
        from .todo import todo_counts

        sources.register(task_source_link)
        other_work.register(todo_counts)
