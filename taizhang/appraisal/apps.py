from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AppraisalConfig(AppConfig):
    name = "taizhang.appraisal"
    label = "appraisal"
    verbose_name = _("Appraisal")

    def ready(self):
        from taizhang.notify import subjects
        from taizhang.supervision import other_work

        from .models import Cycle
        from .todo import todo_counts

        other_work.register(todo_counts)
        # Deliveries about a cycle are listed to those who see it.
        subjects.register(Cycle, lambda user: Cycle.objects.visible_to(user))
