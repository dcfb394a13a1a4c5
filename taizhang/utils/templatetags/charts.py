"""Charts drawn by Apache ECharts (vendored) without inline script: ``{% load charts %}``.

In a page's ``{% block scripts %}`` write ``{% echarts_script %}``; where the chart goes write
``{% chart option "chart-by-month" %}``. ``option`` is an ECharts option object as plain data
(dicts, lists, numbers, strings, lazy translations): taizhang.js finds the ``.tz-chart`` box,
reads the option from its ``data-chart-option`` attribute and draws it, canvas by default
(``renderer="svg"`` for SVG), also in content that htmx swaps in, and redraws it when the window
is resized. ECharts labels the box for screen readers from the option's title and series (its
``aria`` option). The box is sized by CSS classes (``size="sm"`` or ``"lg"``), never by a style
attribute, which the CSP forbids.
"""

import json

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils.html import format_html

register = template.Library()

ECHARTS = "vendor/echarts/echarts.min.js"
SIZES = {"": "", "sm": "tz-chart-sm", "lg": "tz-chart-lg"}
RENDERERS = ("canvas", "svg")


@register.simple_tag
def echarts_script():
    """The ``<script>`` element that loads the vendored ECharts (only on pages with charts)."""
    return format_html('<script src="{}"></script>', static(ECHARTS))


@register.simple_tag
def chart(option, element_id, *, size="", renderer="canvas"):
    """A ``.tz-chart`` box with the id ``element_id`` and its option as JSON in an attribute
    (escaped by format_html), which an htmx swap keeps: htmx drops every <script> here."""
    if size not in SIZES:
        raise template.TemplateSyntaxError(f"chart size must be one of {sorted(SIZES)}")
    if renderer not in RENDERERS:
        raise template.TemplateSyntaxError(f"chart renderer must be one of {RENDERERS}")
    return format_html(
        '<div class="tz-chart {}" id="{}" data-renderer="{}" data-chart-option="{}"></div>',
        SIZES[size],
        element_id,
        renderer,
        json.dumps(option, cls=DjangoJSONEncoder, ensure_ascii=False),
    )
