from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from .models import Suggestion


@login_required
def suggestion_list(request):
    suggestions = Suggestion.objects.visible_to(request.user).for_lists()
    return render(request, "suggestions/list.html", {"suggestions": suggestions})


@login_required
def suggestion_detail(request, pk):
    suggestion = get_object_or_404(Suggestion.objects.visible_to(request.user), pk=pk)
    return render(request, "suggestions/detail.html", {"suggestion": suggestion})
