"""What the notify queue's worker does every minute, besides running jobs: queue the day's
digests when their hour comes, and the sender when messages are due (held back by a robot's
rate limit, waiting for the morning, to retry, or left by a worker that stopped)."""

from django.utils import timezone

from .digests import enqueue_due_digests
from .sending import due, send_deliveries


def tick(now=None):
    now = now or timezone.now()
    enqueue_due_digests(now)
    if due(now).exists():
        send_deliveries.enqueue()
