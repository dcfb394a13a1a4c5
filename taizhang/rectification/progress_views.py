"""整改进展: a plan's figures by aspect, unit and month, with a chart."""

from django.http import Http404


def progress(request, pk):  # placeholder: the pages are written next
    raise Http404
