from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "taizhang.supervision"
    label = "supervision"
    verbose_name = _("Supervision")

    def ready(self):
        from taizhang.notify import subjects

        from .indexing import connect
        from .models import Task

        connect()
        # Deliveries about a task are listed to those who see the task.
        subjects.register(Task, lambda user: Task.objects.visible_to(user))
