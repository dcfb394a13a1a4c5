from django.db import models


class DailyRun(models.Model):
    """A daily job that was enqueued: the unique row is the lock across workers."""

    name = models.CharField(max_length=60)
    day = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["name", "day"], name="daily_run_once"),
        ]

    def __str__(self):
        return f"{self.name} {self.day}"
