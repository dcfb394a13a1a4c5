"""The app's URLs plus one test-only page that draws charts and a QR code with the shared
template tags, so the browser tests see them under the real base template and CSP."""

from django.template import engines
from django.template.response import TemplateResponse
from django.urls import path

from taizhang.urls import urlpatterns as app_urlpatterns

PAGE = """{% extends "base.html" %}{% load charts qr %}
{% block content %}
<div class="row row-cards">
  <div class="col-md-6"><div class="card"><div class="card-body" data-testid="bar">
    {% chart bar "chart-bar" %}</div></div></div>
  <div class="col-md-6"><div class="card"><div class="card-body" data-testid="line">
    {% chart line "chart-line" renderer="svg" size="sm" %}</div></div></div>
  <div class="col-md-6"><div class="card"><div class="card-body" data-testid="pie">
    {% chart pie "chart-pie" size="lg" %}</div></div></div>
  <div class="col-md-6"><div class="card"><div class="card-body" data-testid="qr">
    {% qr_svg "/suggestions/claim/" title="扫码查看办理结果" %}</div></div></div>
</div>
{# The hand-written form, for a whole page: a box naming a JSON block. #}
<div class="tz-chart tz-chart-sm mt-3" data-chart="chart-block" data-testid="block"></div>
{{ bar|json_script:"chart-block" }}
<button class="btn mt-3" hx-get="/test/charts/fragment/" hx-target="#swapped">按单位</button>
<div id="swapped" data-testid="swapped"></div>
{% endblock %}
{% block scripts %}{% echarts_script %}{% endblock %}
"""

UNITS = ["市国资委", "市委统战部", "XX钢铁集团", "XX矿业公司"]
OPTIONS = {
    "bar": {
        "title": {"text": "各单位答复件数"},
        "tooltip": {},
        "xAxis": {"type": "category", "data": UNITS},
        "yAxis": {"type": "value"},
        "series": [{"type": "bar", "name": "答复", "data": [12, 9, 5, 3]}],
    },
    "line": {
        "title": {"text": "按月收到的建议"},
        "tooltip": {"trigger": "axis"},
        "xAxis": {"type": "category", "data": ["1月", "2月", "3月", "4月"]},
        "yAxis": {"type": "value"},
        "series": [{"type": "line", "name": "建议", "data": [4, 7, 6, 11], "smooth": True}],
    },
    "pie": {
        "title": {"text": "答复分类"},
        "tooltip": {"trigger": "item"},
        "legend": {"bottom": 0},
        "series": [
            {
                "type": "pie",
                "radius": ["40%", "65%"],
                "data": [
                    {"name": "A 已解决或采纳", "value": 14},
                    {"name": "B 正在解决", "value": 6},
                    {"name": "C 暂不具备条件", "value": 2},
                ],
            }
        ],
    },
}


FRAGMENT = """{% load charts %}{% chart bar "chart-swapped" %}"""


def chart_fragment(request):
    """What an htmx filter swaps in: a chart without a page around it."""
    template = engines["django"].from_string(FRAGMENT)
    return TemplateResponse(request, template, OPTIONS)


def chart_page(request):
    template = engines["django"].from_string(PAGE)
    return TemplateResponse(request, template, OPTIONS)


urlpatterns = [
    path("test/charts/", chart_page),
    path("test/charts/fragment/", chart_fragment),
    *app_urlpatterns,
]
