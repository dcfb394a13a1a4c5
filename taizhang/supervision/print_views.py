"""Printable pages of the ledger (issue 14 item 6): the 督办单 and 催办单 of a task and the
printed ledger. Each is a page of its own in the print layout; visible exactly to those who
see the task (404 otherwise), and each printout is recorded in the audit log as an export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from taizhang import audit
from taizhang.utils.paging import ids_first

from . import printing
from .filters import describe_filters, filter_errors, ledger_filter
from .models import Task


def _printed_task(request, pk):
    return get_object_or_404(Task.objects.visible_to(request.user, probe=True).with_units(), pk=pk)


def _sheet_context(request, task):
    return {
        "task": task,
        "today": printing.today(),
        "task_url": printing.task_address(request, task),
        "source_text": printing.source_text(task, request.user),
        "units_by_role": printing.units_by_role(task),
        "acting_parts": printing.acting_parts(task),
        "issuer": printing.issuer(task),
    }


@login_required
def duban_sheet(request, pk):
    """督办单: the assignment sheet of one task, one A4 page."""
    task = _printed_task(request, pk)
    context = _sheet_context(request, task)
    context["instructions"] = printing.instructions(task)
    audit.record_printout(request, f"督办单 {task.number}", instance=task)
    return render(request, "supervision/print/duban.html", context)


@login_required
def cuiban_sheet(request, pk):
    """催办单: the reminder sheet of one task: how late it is and what is missing."""
    task = _printed_task(request, pk)
    context = _sheet_context(request, task)
    today = context["today"]
    context.update(
        deadline_state=printing.deadline_state(task, today),
        missing=printing.missing(task, today),
        reminders=printing.reminders(task),
    )
    audit.record_printout(request, f"催办单 {task.number}", instance=task)
    return render(request, "supervision/print/cuiban.html", context)


@login_required
def ledger_print(request):
    """The filtered ledger on landscape A4 pages: the ledger's filters (the one filter), at
    most ``printing.LEDGER_MAX_ROWS`` rows, with a note to export to Excel beyond that."""
    filterset = ledger_filter(request.user, request.GET)
    if refused := filter_errors(filterset):
        messages.error(request, refused)
        return redirect("supervision:ledger")
    tasks = filterset.qs
    count = tasks.count()
    rows = ids_first(tasks.with_units()[: printing.LEDGER_MAX_ROWS])
    audit.record_printout(request, "督办台账（打印）")
    context = {
        "filterset": filterset,
        "filters": [f"{label}：{shown}" for label, shown in describe_filters(filterset)],
        "rows": rows,
        "count": count,
        "cut": count > len(rows),
        "limit": printing.LEDGER_MAX_ROWS,
        "query": request.GET.urlencode(),
        "today": printing.today(),
    }
    return render(request, "supervision/print/ledger.html", context)
