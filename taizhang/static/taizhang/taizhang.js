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
      // A segment whose data names a list of this site ({value, url}) opens it: every figure
      // of the reports leads to the rows it counts.
      chart.on("click", (event) => {
        const url = event.data && event.data.url;
        if (typeof url === "string" && url.startsWith("/") && !url.startsWith("//")) {
          window.location.assign(url);
        }
      });
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

// Forms (issue 14): searchable selects (Tom Select, vendor/tom-select/) and the date picker
// (flatpickr, vendor/flatpickr/). Both keep the native field's value, so the form posts what it
// always posted (ids; dates as yyyy-mm-dd).
//   <select data-tz-select>          a searchable select; a multiple one gets remove buttons
//   <select data-tz-select="units">  options carry data-data='{"depth", "search"}' (the unit
//                                    tree, indented; matched by name, short name and aliases)
//   <select data-tz-select="remote" data-tz-url="/tasks/choices/">  options searched on the
//                                    server: GET url?q=… → {"results": [{"value", "text"}]}
//   <input type="date">              a yyyy-mm-dd text field with a picker in the page language
const TzForms = {
  text() {
    if (!TzForms.texts) {
      const source = document.getElementById("tz-forms-text");
      TzForms.texts = source ? { ...source.dataset } : {};
    }
    return TzForms.texts;
  },

  escape(text) {
    const span = document.createElement("span");
    span.textContent = text;
    return span.innerHTML;
  },

  selectSettings(select) {
    const text = TzForms.text();
    const kind = select.dataset.tzSelect;
    const settings = {
      create: false,
      maxOptions: null,
      allowEmptyOption: false,
      // Filter at once: a delayed refresh reopens the dropdown (and takes the focus) after the
      // user has moved on to the next field.
      refreshThrottle: 0,
      dataAttr: "data",  // <option data-data="{…}">: the unit's depth and other names
      placeholder: select.dataset.tzPlaceholder || "",
      searchField: [{ field: "text" }, { field: "search" }],
      plugins: {},
      render: {
        no_results: () => `<div class="no-results">${TzForms.escape(text.noResults || "")}</div>`,
        loading: () => `<div class="spinner-border spinner-border-sm m-2" role="status"></div>`,
      },
    };
    if (select.multiple) {
      settings.plugins.remove_button = { title: text.remove || "" };
      settings.hidePlaceholder = true;
    }
    if (kind === "units") {
      // The tree: each option indented by its depth; the chosen item shows the plain name.
      settings.render.option = (data, escape) => {
        const depth = Math.min(Number(data.depth) || 0, 6);
        const also = data.search ? ` <small class="text-secondary">${escape(data.search)}</small>` : "";
        return `<div class="tz-depth-${depth}">${escape(data.text)}${also}</div>`;
      };
    }
    if (kind === "remote" && select.dataset.tzUrl) {
      settings.valueField = "value";
      settings.labelField = "text";
      settings.searchField = [];  // the server matched already
      settings.loadThrottle = 250;
      settings.shouldLoad = (query) => query.trim().length > 0;
      settings.load = (query, callback) => {
        const url = new URL(select.dataset.tzUrl, window.location.href);
        url.searchParams.set("q", query);
        fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then((response) => (response.ok ? response.json() : { results: [] }))
          .then((data) => callback(data.results || []))
          .catch(() => callback());
      };
      settings.render.no_results = (data) => `<div class="no-results">${TzForms.escape(
        data && data.input ? text.noResults || "" : text.typeToSearch || "")}</div>`;
    }
    return settings;
  },

  selects(root) {
    if (!window.TomSelect) {
      return;
    }
    root.querySelectorAll("select[data-tz-select]").forEach((select) => {
      if (select.tomselect) {
        return;
      }
      const control = new window.TomSelect(select, TzForms.selectSettings(select));
      // The native select stays in the form, hidden: a label click focuses the search box.
      if (select.id) {
        const label = document.querySelector(`label[for="${select.id}"]`);
        if (label) {
          label.addEventListener("click", () => control.focus());
        }
      }
    });
  },

  locale() {
    const language = (document.documentElement.lang || "").toLowerCase();
    const l10ns = (window.flatpickr && window.flatpickr.l10ns) || {};
    if (language.startsWith("zh-hant") || language === "zh-tw" || language === "zh-hk") {
      return l10ns.zh_tw || l10ns.zh || "default";
    }
    return language.startsWith("zh") ? l10ns.zh || "default" : "default";
  },

  dates(root) {
    if (!window.flatpickr) {
      return;
    }
    root.querySelectorAll('input[type="date"]').forEach((input) => {
      if (input._flatpickr) {
        return;
      }
      // A text field typed as yyyy-mm-dd (the value the servers read), with a picker; the
      // browser's own date widget would show the date in the system's format instead.
      input.type = "text";
      input.setAttribute("inputmode", "numeric");
      input.setAttribute("autocomplete", "off");
      if (!input.placeholder) {
        input.placeholder = "yyyy-mm-dd";
      }
      input.classList.add("tz-date");
      const picker = window.flatpickr(input, {
        dateFormat: "Y-m-d",
        allowInput: true,
        disableMobile: true,
        locale: TzForms.locale(),
        minDate: input.min || null,
        maxDate: input.max || null,
      });
      // A whole date typed in closes the calendar, so it does not cover the button below.
      input.addEventListener("input", () => {
        if (/^\d{4}-\d{2}-\d{2}$/.test(input.value)) {
          picker.setDate(input.value, true, "Y-m-d");
          picker.close();
        }
      });
    });
  },

  init(root) {
    TzForms.selects(root);
    TzForms.dates(root);
  },
};

document.addEventListener("DOMContentLoaded", () => TzForms.init(document));
document.addEventListener("htmx:load", (event) => TzForms.init(event.detail.elt));
