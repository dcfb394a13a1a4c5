from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate


def _refresh_statistics(using, **kwargs):
    from .db import refresh_statistics

    refresh_statistics(using)


class UtilsConfig(AppConfig):
    name = "taizhang.utils"
    label = "utils"

    def ready(self):
        from . import (
            checks,  # noqa: F401 (registers the deployment checks)
            filejobs,  # noqa: F401 (its receiver ends the jobs a dead worker left)
        )
        from .db import sqlite_functions

        connection_created.connect(sqlite_functions, dispatch_uid="utils-sqlite-functions")
        # Once per migrate (sent for this app only): statistics for the planner.
        post_migrate.connect(_refresh_statistics, sender=self, dispatch_uid="utils-analyze")
