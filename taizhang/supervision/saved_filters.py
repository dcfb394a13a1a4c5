"""我的常用筛选: a user's ledger filters kept under a name, listed on the ledger as links.

Each belongs to one user: only they list it, open it from the list or delete it (another's
is a 404). The audit log records their changes as it does every model's.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import QueryDict
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from taizhang.utils.htmx import is_htmx
from taizhang.utils.text import clean_text

from .filters import TaskFilterSet
from .models import SavedFilter

# How many a user keeps: a short list of links, not a second ledger.
MAX_SAVED = 30
# The ledger's parameters a saved filter keeps (not the page number).
EXTRA_PARAMS = ("per_page", "deadline_after", "deadline_before")


def kept_query(query):
    """The ledger's own parameters of ``query`` (a query string), in a stable order."""
    data = QueryDict(query)
    names = [*TaskFilterSet.base_filters, *EXTRA_PARAMS]
    pairs = [(name, value) for name in names for value in data.getlist(name) if value]
    return urlencode(pairs)


def saved_for(user):
    return SavedFilter.objects.filter(user=user)


def save_filter(user, name, query):
    """Keep ``query`` under ``name`` (a name already used is given the new filter)."""
    name = clean_text(name or "").strip()[: SavedFilter._meta.get_field("name").max_length]
    if not name:
        return None, _("Give the filter a name.")
    query = kept_query(query)
    if len(query) > SavedFilter._meta.get_field("query").max_length:
        return None, _("This filter is too long to keep.")
    mine = saved_for(user)
    if not mine.filter(name=name).exists() and mine.count() >= MAX_SAVED:
        return None, _("You keep %(count)d filters already: delete one first.") % {
            "count": MAX_SAVED
        }
    saved, _created = SavedFilter.objects.update_or_create(
        user=user, name=name, defaults={"query": query}
    )
    return saved, None


@require_POST
@login_required
def saved_filter_create(request):
    query = request.POST.get("query", "")
    saved, error = save_filter(request.user, request.POST.get("name"), query)
    if error:
        messages.error(request, error)
        return redirect(f"{_ledger()}?{kept_query(query)}")
    messages.success(request, _("Filter “%(name)s” saved.") % {"name": saved.name})
    return redirect(saved.get_absolute_url())


@require_POST
@login_required
def saved_filter_delete(request, pk):
    saved = get_object_or_404(saved_for(request.user), pk=pk)
    saved.delete()
    messages.success(request, _("Filter “%(name)s” deleted.") % {"name": saved.name})
    return redirect(_ledger())


def _ledger():
    return reverse("supervision:ledger")


def ledger_list_context(request, filterset, query):
    """What the ledger page adds for its filters: the sort (for the column headers), the
    number of active filters (on the 筛选 button), the user's saved filters, and whether the
    table is swapped alone (htmx) and so carries the button's count out of band."""
    without_sort = query.copy()
    without_sort.pop("sort", None)
    data = filterset.form.cleaned_data if filterset.is_bound and filterset.form.is_valid() else {}
    return {
        "sort": data.get("sort") or "",
        "query_without_sort": without_sort.urlencode(),
        "active_filters": filterset.active_filters(),
        "saved_filters": saved_for(request.user),
        "swapped": is_htmx(request),
    }
