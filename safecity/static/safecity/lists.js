// The lists' shared behaviour (every list page: includes/filter_form.html, every table.table):
//  - a filter form sends only the filters the user set: "筛选" without touching anything leaves
//    the URL (and therefore the list) as it was, with no empty "?level=&state=" parameters;
//  - pickers ([data-picker]) look names up in a scoped endpoint and keep the id/code hidden;
//  - list tables (table.table with a heading row) become cards on a phone: each cell is labelled
//    with its column's heading; data-cards="off" keeps a table as it is.
// No inline script anywhere (the Content-Security-Policy forbids it); delegated from the document.
(function () {
  "use strict";

  // --- Filters: only what the user set ------------------------------------------------------
  function cleanQuery(form) {
    var params = new URLSearchParams();
    new FormData(form).forEach(function (value, name) {
      if (typeof value === "string" && value.trim() !== "") params.append(name, value);
    });
    return params.toString();
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.matches("form[data-filters], form.filters")) return;
    if ((form.getAttribute("method") || "get").toLowerCase() !== "get") return;
    e.preventDefault();
    var query = cleanQuery(form);
    var action = form.getAttribute("action") || window.location.pathname;
    window.location.assign(action + (query ? "?" + query : ""));
  });

  // A list that filters as one types (htmx) sends only the filters that are set, too.
  document.addEventListener("htmx:configRequest", function (e) {
    var form = e.detail.elt;
    if (!(form instanceof HTMLFormElement) || !form.matches("form[data-filters], form.filters")) return;
    if ((e.detail.verb || "get").toLowerCase() !== "get") return;
    var params = e.detail.parameters;
    var keys = params instanceof FormData ? Array.from(new Set(params.keys())) : Object.keys(params);
    keys.forEach(function (key) {
      var values = params instanceof FormData ? params.getAll(key) : [].concat(params[key]);
      if (values.every(function (v) { return typeof v === "string" && v.trim() === ""; })) {
        if (params instanceof FormData) params.delete(key); else delete params[key];
      }
    });
  });

  // --- Pickers: a name searched, an id or code kept -------------------------------------------
  function pickerParts(el) {
    var root = el.closest("[data-picker]");
    if (!root) return null;
    return {
      root: root,
      value: root.querySelector("[data-picker-value]"),
      search: root.querySelector("[data-picker-search]"),
      list: root.querySelector(".picker-options"),
    };
  }
  function closeList(p) {
    p.list.hidden = true;
    p.search.setAttribute("aria-expanded", "false");
  }
  function choose(p, option) {
    p.value.value = option.dataset.value;
    p.search.value = option.dataset.label;
    p.search.dataset.chosen = option.dataset.label;
    closeList(p);
  }
  function showResults(p, results) {
    p.list.innerHTML = "";
    results.forEach(function (r, i) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.id = p.search.id + "-opt-" + i;
      li.dataset.value = r.value;
      li.dataset.label = r.label;
      li.textContent = r.label;
      if (r.detail) {
        var small = document.createElement("span");
        small.className = "muted small";
        small.textContent = " " + r.detail;
        li.appendChild(small);
      }
      p.list.appendChild(li);
    });
    if (!results.length) {
      var none = document.createElement("li");
      none.className = "muted";
      none.textContent = p.root.dataset.empty || "—";
      p.list.appendChild(none);
    }
    p.list.hidden = false;
    p.search.setAttribute("aria-expanded", "true");
  }
  var timers = new WeakMap();
  document.addEventListener("input", function (e) {
    var el = e.target;
    if (!(el instanceof HTMLInputElement) || !el.hasAttribute("data-picker-search")) return;
    var p = pickerParts(el);
    if (el.value !== el.dataset.chosen) p.value.value = ""; // typing again un-picks the old choice
    clearTimeout(timers.get(el));
    if (!el.value.trim()) { closeList(p); return; }
    timers.set(el, setTimeout(function () {
      var url = p.root.dataset.picker;
      url += (url.indexOf("?") >= 0 ? "&" : "?") + "q=" + encodeURIComponent(el.value.trim());
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : { results: [] }; })
        .then(function (data) { showResults(p, data.results || []); });
    }, 200));
  });
  document.addEventListener("click", function (e) {
    var option = e.target instanceof Element ? e.target.closest(".picker-options [role=option]") : null;
    if (option) { choose(pickerParts(option), option); return; }
    document.querySelectorAll(".picker-options:not([hidden])").forEach(function (list) {
      if (!list.parentNode.contains(e.target)) closeList(pickerParts(list));
    });
  });
  document.addEventListener("keydown", function (e) {
    var el = e.target;
    if (!(el instanceof HTMLInputElement) || !el.hasAttribute("data-picker-search")) return;
    var p = pickerParts(el);
    var options = Array.prototype.slice.call(p.list.querySelectorAll("[role=option]"));
    var current = p.list.querySelector("[aria-selected=true]");
    var index = options.indexOf(current);
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (p.list.hidden || !options.length) return;
      e.preventDefault();
      if (current) current.removeAttribute("aria-selected");
      index = e.key === "ArrowDown" ? Math.min(options.length - 1, index + 1) : Math.max(0, index - 1);
      options[index].setAttribute("aria-selected", "true");
      el.setAttribute("aria-activedescendant", options[index].id);
    } else if (e.key === "Enter" && !p.list.hidden && (current || options.length === 1)) {
      e.preventDefault();
      choose(p, current || options[0]);
    } else if (e.key === "Escape") {
      closeList(p);
    }
  });

  // --- Tables as cards on a phone --------------------------------------------------------------
  function labelCells(root) {
    root.querySelectorAll("table.table:not([data-cards=off])").forEach(function (table) {
      var heads = [];
      table.querySelectorAll("thead tr:first-child th").forEach(function (th) {
        var span = parseInt(th.getAttribute("colspan") || "1", 10);
        for (var i = 0; i < span; i++) heads.push(th.textContent.trim());
      });
      if (!heads.length) return;
      table.classList.add("table-cards");
      table.querySelectorAll("tbody tr").forEach(function (tr) {
        var col = 0;
        Array.prototype.forEach.call(tr.children, function (cell) {
          if (heads[col] && !cell.hasAttribute("colspan")) cell.setAttribute("data-label", heads[col]);
          col += parseInt(cell.getAttribute("colspan") || "1", 10);
        });
      });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { labelCells(document); });
  document.addEventListener("htmx:afterSwap", function (e) { labelCells(e.target.parentNode || document); });
})();
