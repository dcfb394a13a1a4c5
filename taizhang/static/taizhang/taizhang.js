// The page's own behaviour. It lives here, not in inline handlers, so that the
// Content-Security-Policy can forbid inline script (script-src 'self').
"use strict";

// <select data-submit-on-change> submits its form when a choice is made (the language menu).
document.addEventListener("change", (event) => {
  const field = event.target.closest("[data-submit-on-change]");
  if (field && field.form) {
    field.form.requestSubmit();
  }
});

// <button data-print> prints the page (the letters and receipts: one A4 sheet each).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) {
    window.print();
  }
});

// Charts (Apache ECharts, vendored under vendor/echarts/). A page that draws charts loads
// echarts.min.js in its {% block scripts %} and marks each chart in one of two ways:
//   <div class="tz-chart" data-chart-option="{ …an ECharts option object as JSON… }"></div>
//     (what {% chart %} of the `charts` template library writes: it survives an htmx swap, which
//     drops every <script> element here since htmx's allowScriptTags is off), or
//   <div class="tz-chart" data-chart="ID"></div>
//   <script type="application/json" id="ID">{ …the option… }</script>  (whole pages only).
// The option is plain data (no functions), so nothing is evaluated and the CSP stays strict.
const TzCharts = {
  drawn: new Set(),

  optionOf(element) {
    let text = element.dataset.chartOption;
    const name = element.dataset.chart || element.id || "a .tz-chart";
    if (text === undefined) {
      const source = document.getElementById(element.dataset.chart);
      if (!source) {
        console.error(`tz-chart: no <script type="application/json" id="${name}">`);
        return null;
      }
      text = source.textContent;
    }
    try {
      return JSON.parse(text);
    } catch (error) {
      console.error(`tz-chart: ${name} does not hold JSON: ${error}`);
      return null;
    }
  },

  draw(root) {
    if (!window.echarts) {
      return;
    }
    const selector = ".tz-chart[data-chart], .tz-chart[data-chart-option]";
    const elements = [...root.querySelectorAll(selector)];
    if (root.matches && root.matches(selector)) {
      elements.push(root);
    }
    elements.forEach((element) => {
      if (window.echarts.getInstanceByDom(element)) {
        return;
      }
      const option = TzCharts.optionOf(element);
      if (!option) {
        return;
      }
      const language = (document.documentElement.lang || "").toLowerCase();
      const chart = window.echarts.init(element, null, {
        renderer: element.dataset.renderer === "svg" ? "svg" : "canvas",
        locale: language.startsWith("zh") ? "ZH" : "EN",
      });
      // ECharts describes the chart to screen readers (aria-label) unless the option says not to.
      // data-chart-drawn marks the end of the first drawing (animation included): for tests.
      chart.on("finished", () => element.setAttribute("data-chart-drawn", ""));
      chart.setOption({ aria: { enabled: true }, ...TzCharts.withinCsp(option) });
      TzCharts.drawn.add(chart);
    });
  },

  // ECharts' HTML tooltip writes style="" attributes into its markup, which the CSP blocks
  // (style-src-attr); the rich-text tooltip is drawn by the renderer itself. For the same reason
  // the toolbox's dataView is not for us (saveAsImage, restore and zoom are fine).
  withinCsp(option) {
    const tooltips = [option.tooltip || []].flat();
    tooltips.forEach((tooltip) => {
      tooltip.renderMode = "richText";
    });
    return option;
  },

  resize() {
    TzCharts.drawn.forEach((chart) => {
      if (chart.isDisposed() || !document.body.contains(chart.getDom())) {
        chart.dispose();
        TzCharts.drawn.delete(chart);
      } else {
        chart.resize();
      }
    });
  },
};

document.addEventListener("DOMContentLoaded", () => TzCharts.draw(document));
// Content swapped in by htmx (a filtered statistics panel) draws its charts too.
document.addEventListener("htmx:load", (event) => TzCharts.draw(event.detail.elt));
let tzChartsResizeTimer = null;
window.addEventListener("resize", () => {
  clearTimeout(tzChartsResizeTimer);
  tzChartsResizeTimer = setTimeout(TzCharts.resize, 100);
});
// Printing lays the page out anew (A4 width): charts follow.
window.addEventListener("beforeprint", TzCharts.resize);

// Bulk actions (the ledger and 我的待办): row checkboxes name="ids" belong to #bulk-form, whose
// bar shows while any row is checked; a header checkbox [data-select-all] checks its table's rows.
const TzBulk = {
  rows(scope) {
    return scope.querySelectorAll('input[name="ids"][form="bulk-form"]');
  },
  refresh() {
    const bar = document.querySelector("[data-bulk-bar]");
    if (!bar) {
      return;
    }
    const checked = Array.from(TzBulk.rows(document)).filter((box) => box.checked).length;
    bar.classList.toggle("d-none", checked === 0);
    const count = bar.querySelector("[data-bulk-count]");
    if (count) {
      count.textContent = String(checked);
    }
  },
};
document.addEventListener("change", (event) => {
  const all = event.target.closest("[data-select-all]");
  if (all) {
    const table = all.closest("table");
    if (table) {
      TzBulk.rows(table).forEach((box) => {
        box.checked = all.checked;
      });
    }
  }
  if (all || event.target.matches('input[name="ids"][form="bulk-form"]')) {
    TzBulk.refresh();
  }
});
document.addEventListener("DOMContentLoaded", TzBulk.refresh);
document.addEventListener("htmx:load", TzBulk.refresh);
