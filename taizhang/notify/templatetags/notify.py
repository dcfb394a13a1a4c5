"""Template words for notifications and deliveries: kinds' labels, badge colours, recipients."""

from django import template

from .. import deliveries
from ..choices import ChannelKind, DeliveryStatus, kind_label

register = template.Library()

register.filter("kind_label", kind_label)


@register.filter
def channel_colour(value):
    return ChannelKind.colour(value)


@register.filter
def delivery_status_colour(value):
    return DeliveryStatus.colour(value)


@register.filter
def recipient_name(delivery):
    """A person's name, or a group robot's unit and platform (never its webhook)."""
    return deliveries.recipient(delivery)["name"]
