from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RectificationConfig(AppConfig):
    name = "taizhang.rectification"
    label = "rectification"
    verbose_name = _("Rectification")

    def ready(self):
        from taizhang.notify import subjects
        from taizhang.supervision import other_work, sources

        from .models import Plan, task_source_link
        from .todo import todo_counts

        sources.register(task_source_link)
        # Deliveries about a plan are listed to those who see it.
        subjects.register(Plan, lambda user: Plan.objects.visible_to(user))
        other_work.register(todo_counts)
