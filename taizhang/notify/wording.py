"""Words the personal channels share (e-mail, SMS): the title marked 加急 when urgent, one fact
as a line, the link's label. The caller has activated the reader's language."""

from django.utils.translation import gettext


def title_line(message):
    """The title on one line (a mail's subject, an SMS's first words), marked when urgent."""
    title = " ".join(message.title.split())
    return gettext("[Urgent] %(title)s") % {"title": title} if message.urgent else title


def fact_line(label, value):
    """One labelled fact as plain text: 期限：12月10日."""
    return gettext("%(label)s: %(value)s") % {"label": label, "value": value}


def link_label(message):
    """What the link to the record says: the message's own label, else 查看详情."""
    return message.link_text or gettext("View details")
