"""The appraisal pages. Placeholders: the URL map is fixed (urls.py) and the pages are built
on the services, rules and ``visible_to`` of this app; each view answers 404 until then."""

from django.contrib.auth.decorators import login_required
from django.http import Http404


def _not_yet(*args, **kwargs):
    raise Http404("This page is not built yet.")


@login_required
def cycle_list(request):
    """The cycles visible to the user (``Cycle.objects.visible_to``)."""
    _not_yet()


@login_required
def cycle_new(request):
    """A new cycle (``services.create_cycle``), the office only (``rules.can_create``)."""
    _not_yet()


@login_required
def cycle_detail(request, pk):
    """A cycle: set-up, status, buttons (``rules.available_buttons``), timeline."""
    _not_yet()


@login_required
def cycle_edit(request, pk):
    """Edit and set up (``update_cycle``, ``set_units``, indicators, ``set_bands``)."""
    _not_yet()


@login_required
def act(request, pk, action):
    """POST a button's action through ``services.perform``."""
    _not_yet()


@login_required
def results(request, pk):
    """The results table (``stats.results_table``) and grade distribution."""
    _not_yet()


@login_required
def points(request, pk, unit):
    """One unit's points with the events behind each (``rules.can_see_unit``)."""
    _not_yet()


@login_required
def appeal(request, pk):
    """Lodge (``lodge_appeal``) or decide (``decide_appeal``) an appeal."""
    _not_yet()


@login_required
def staff(request, pk):
    """A staff cycle's assessees: supervisors and leaders the table (``rules.can_see_staff``),
    a person their own line."""
    _not_yet()


@login_required
def staff_detail(request, pk):
    """One assessee: self-report, scores, grade (``Assessee.objects.visible_to``)."""
    _not_yet()


@login_required
def export(request, pk):
    """The results as Excel."""
    _not_yet()
