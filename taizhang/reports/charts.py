"""The overview's ECharts options. Every bar or point carries the address of the list it
counts (``{"value", "url"}``): taizhang.js opens it on a click."""

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from taizhang.supervision.choices import Light

COLOURS = {
    Light.RED: "#d63939",
    Light.YELLOW: "#f59f00",
    Light.BLUE: "#4299e1",
    Light.GREEN: "#2fb344",
    "open": "#9ba9be",
}
GRID = {"left": 8, "right": 24, "bottom": 8, "top": 32, "containLabel": True}


def lights_by_unit(units):
    """Ranked bars, one per lead unit: today's lights (a past period: overdue and open then)."""
    names = [u["unit"].name for u in units]
    if units and not units[0]["now"]:
        series = [
            ("overdue", _("Overdue"), COLOURS[Light.RED], lambda u: u["overdue"]),
            ("open", _("Open, not overdue"), COLOURS["open"], lambda u: u["open"] - u["overdue"]),
        ]
        links = {"overdue": "overdue", "open": "open"}
    else:
        series = [
            (light, Light(light).label, COLOURS[light], lambda u, light=light: u["lights"][light])
            for light in (Light.RED, Light.YELLOW, Light.BLUE, Light.GREEN)
        ]
        links = {light: f"light_{light}" for light in Light.values}
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": GRID,
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "inverse": True, "data": names},
        "series": [
            {
                "name": str(label),
                "type": "bar",
                "stack": "units",
                "itemStyle": {"color": colour},
                "data": [{"value": value(u), "url": u["links"][links[key]]} for u in units],
            }
            for key, label, colour, value in series
        ],
    }


def on_time_trend(months):
    return {
        "tooltip": {"trigger": "axis"},
        "legend": {"top": 0},
        "grid": GRID,
        "xAxis": {"type": "category", "data": [m["month"].strftime("%Y-%m") for m in months]},
        "yAxis": [
            {"type": "value", "minInterval": 1},
            {"type": "value", "min": 0, "max": 100, "axisLabel": {"formatter": "{value}%"}},
        ],
        "series": [
            {
                "name": str(pgettext("tasks", "Closed")),
                "type": "bar",
                "data": [{"value": m["closed"], "url": m["links"]["closed"]} for m in months],
            },
            {
                "name": str(_("On-time rate")),
                "type": "line",
                "yAxisIndex": 1,
                "data": [
                    {
                        "value": None
                        if m["on_time_rate"] is None
                        else round(100 * m["on_time_rate"], 1),
                        "url": m["links"]["on_time"],
                    }
                    for m in months
                ],
            },
        ],
    }


def by_source(sources):
    return {
        "tooltip": {"trigger": "axis", "axisPointer": {"type": "shadow"}},
        "legend": {"top": 0},
        "grid": GRID,
        "xAxis": {"type": "category", "data": [str(s["label"]) for s in sources]},
        "yAxis": {"type": "value", "minInterval": 1},
        "series": [
            {
                "name": str(label),
                "type": "bar",
                "data": [{"value": s[key], "url": s["links"][key]} for s in sources],
            }
            for key, label in (
                ("open", pgettext("tasks", "Open")),
                ("closed", _("Closed in the period")),
            )
        ],
    }


def funnel(steps, labels):
    return {
        "tooltip": {"trigger": "item"},
        "series": [
            {
                "type": "funnel",
                "sort": "none",
                "left": "10%",
                "width": "80%",
                "label": {"show": True, "position": "inside", "formatter": "{b}: {c}"},
                "data": [
                    {"name": str(labels[s["step"]]), "value": s["count"], "url": s["link"]}
                    for s in steps
                ],
            }
        ],
    }
