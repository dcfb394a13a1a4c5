"""Pages of meetings and mechanisms (being written: the first two only)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .models import Mechanism, Meeting


@login_required
def meeting_detail(request, pk):
    meeting = get_object_or_404(Meeting.objects.visible_to(request.user), pk=pk)
    return render(request, "meetings/meeting_detail.html", {"meeting": meeting})


@login_required
def mechanism_detail(request, pk):
    mechanism = get_object_or_404(Mechanism.objects.visible_to(request.user), pk=pk)
    return render(request, "meetings/mechanism_detail.html", {"mechanism": mechanism})
