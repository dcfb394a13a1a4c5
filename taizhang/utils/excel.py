"""What every Excel export shares: text that Excel can hold, and a bound on the rows."""

from django.conf import settings
from django.utils.translation import gettext as _
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from .errors import WorkflowError


def excel_text(value):
    """The value as text without the characters an .xlsx file cannot hold. Cells given it are
    to be typed as strings, so that ``=HYPERLINK(…)`` stays text and is never a formula."""
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))


def check_export_rows(count):
    """Refuse an export larger than the configured rows: it is built within one request."""
    limit = settings.TAIZHANG_EXPORT_MAX_ROWS
    if count > limit:
        raise WorkflowError(
            _("%(count)d rows are more than one export holds (%(limit)d): narrow the filter.")
            % {"count": count, "limit": limit}
        )
