"""Reading deliveries: who may see which, and the lists of them the pages and the API show.

Every list goes through ``listed``: one query for its rows whatever their number (the people
and units joined in), the message's title read in the database and the rest of the message
(a digest's twenty lines) left there.
"""

from django.db.models import Case, Count, IntegerField, Value, When
from django.db.models.fields.json import KT

from . import subjects
from .choices import DeliveryStatus
from .models import Delivery

# Listed first when problems come first: what did not arrive, or not yet.
PROBLEMS = (DeliveryStatus.FAILED, DeliveryStatus.GIVEN_UP)


def visible_to(user):
    """The deliveries ``user`` may read: supervisors and leaders, their organisation's;
    everyone else, those sent to them."""
    if not user.is_authenticated:
        return Delivery.objects.none()
    if user.sees_whole_organisation:
        return Delivery.objects.filter(organisation_id=user.organisation_id)
    return Delivery.objects.filter(user=user)


def of_organisation(user):
    return Delivery.objects.filter(organisation_id=user.organisation_id)


def about(queryset, subject_type, subject_id):
    return queryset.filter(subject_type=subject_type, subject_id=subject_id)


def subject_visible(subject_type, user, subject_id):
    """Whether ``user`` sees the record the deliveries are about (the app's own rule)."""
    return subject_id in subjects.visible_ids(subject_type, user, [subject_id])


def listed(queryset):
    """``queryset`` ready to be listed: recipients joined, the title annotated as
    ``message_title`` and the message itself deferred (read ``message_title``, not ``title``)."""
    return (
        queryset.select_related("user", "unit")
        .annotate(message_title=KT("message__title"))
        .defer("message")
    )


def problems_first(queryset):
    """Failed and given-up deliveries before the others, each group newest first."""
    rank = Case(
        When(status__in=PROBLEMS, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return queryset.alias(problem_rank=rank).order_by("problem_rank", "-created_at", "-id")


def status_counts(queryset):
    """``[(status, label, colour, count)]`` for every state, in the choices' order (one query)."""
    rows = queryset.order_by().values("status").annotate(n=Count("pk"))
    found = {row["status"]: row["n"] for row in rows}
    return [
        (status, label, DeliveryStatus.colour(status), found.get(status, 0))
        for status, label in DeliveryStatus.choices
    ]


def deliveries_about(subject, limit):
    """The latest ``limit`` deliveries about ``subject`` (a task), newest first, as a list.
    Whoever calls it has checked that the reader may see them."""
    subject_type, subject_id = subjects.key(subject)
    return list(listed(about(Delivery.objects.all(), subject_type, subject_id))[:limit])


def recipient(delivery):
    """Whom a delivery went to: ``{"type": "user"|"robot", "id", "name"}``. A group robot is
    named by its unit and platform (its webhook is a secret, never shown)."""
    if delivery.user_id:
        return {"type": "user", "id": delivery.user_id, "name": str(delivery.user)}
    robot_id = delivery.robot_id or _id_in_key(delivery.recipient_key)
    where = str(delivery.unit) if delivery.unit_id else ""
    name = " · ".join(part for part in (where, delivery.get_channel_display()) if part)
    return {"type": "robot", "id": robot_id, "name": name}


def _id_in_key(key):
    """The id of ``"robot:3"``: kept in the key when the robot itself was deleted."""
    _type, _sep, pk = key.partition(":")
    return int(pk) if pk.isdigit() else None
