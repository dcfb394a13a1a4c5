from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .services import mark_read


@login_required
def notification_list(request):
    page = Paginator(request.user.notifications.all(), 30).get_page(request.GET.get("page"))
    return render(request, "notify/list.html", {"page": page})


@require_POST
@login_required
def notification_read(request, pk=None):
    mark_read(request.user, pk)
    target = request.POST.get("next") or ""
    if target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("notify:list")
