// Key projects: the status breakdowns (stacked bars) and the Gantt timeline, drawn by ECharts
// from data the server computed (json_script), offline.
(function () {
  "use strict";
  var DONE = "#4b2a7b";   // a completed milestone: dark purple diamond with a black outline (never a status colour)
  var OPEN = "#ffffff";   // a milestone not yet done: white diamond
  var LABEL_WIDTH = 220;  // px for a category label; longer names end with "…" and show in full on hover
  function source(el) { return JSON.parse(document.getElementById(el.dataset.source).textContent); }
  // A native tooltip with the full text of a truncated axis label.
  function labelTitles(chart, el) {
    chart.on("mouseover", function (p) { if (p.componentType === "yAxis") { el.title = p.value; } });
    chart.on("mouseout", function (p) { if (p.componentType === "yAxis") { el.removeAttribute("title"); } });
  }
  function stack(el) {
    var data = source(el);
    var chart = echarts.init(el);
    chart.setOption({
      grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      // Every row keeps its label (interval 0); the server gives each row enough height.
      yAxis: {
        type: "category", data: data.labels, inverse: true, triggerEvent: true,
        axisLabel: { interval: 0, width: LABEL_WIDTH, overflow: "truncate", ellipsis: "…" }
      },
      series: data.series.map(function (s) {
        return { type: "bar", stack: "status", name: s.name, data: s.values, barMaxWidth: 28, itemStyle: { color: s.colour } };
      })
    });
    labelTitles(chart, el);
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function gantt(el) {
    var data = source(el);
    var names = data.rows.map(function (r) { return r.name; });
    var bars = data.rows.map(function (r, i) {
      return { value: [i, r.start, r.end, r.actual, r.expected, r.status, r.id], itemStyle: { color: r.colour } };
    });
    var done = [], open = [];
    data.rows.forEach(function (r, i) {
      r.milestones.forEach(function (m) { (m.done ? done : open).push({ value: [m.date, i, m.name] }); });
    });
    var milestone = function (name, list, colour) {
      return {
        type: "scatter", name: name, symbol: "diamond", symbolSize: 12, data: list, encode: { x: 0, y: 1 }, z: 3,
        itemStyle: { color: colour, borderColor: "#000", borderWidth: 1.5 }
      };
    };
    // The statuses in the legend: empty series carrying the bar colours.
    var statuses = data.legend.statuses.map(function (s) {
      return { type: "scatter", name: s.name, symbol: "rect", data: [], itemStyle: { color: s.colour } };
    });
    var months = [];
    for (var m = 0; m < 12; m++) { months.push(new Date(data.year, m, 1).getTime()); }
    var chart = echarts.init(el);
    chart.setOption({
      grid: { left: 8, right: 24, top: 52, bottom: 24, containLabel: true },
      legend: {
        top: 0, selectedMode: false,
        data: data.legend.statuses.map(function (s) { return { name: s.name, icon: "rect" }; })
          .concat([{ name: data.legend.done, icon: "diamond" }, { name: data.legend.open, icon: "diamond" }])
      },
      tooltip: {
        formatter: function (p) {
          if (p.seriesIndex === 0) { return names[p.value[0]] + "<br>" + p.value[1] + " → " + p.value[2] + "<br>" + p.value[5] + " · " + p.value[3] + "% / " + p.value[4] + "%"; }
          return p.seriesName + ": " + p.value[2] + " · " + p.value[0];
        }
      },
      // One tick and label per month of the plan year (12 labels, none dropped).
      xAxis: {
        type: "time", position: "bottom", min: months[0], max: new Date(data.year, 11, 31).getTime(),
        splitNumber: 12, minInterval: 28 * 86400000, maxInterval: 31 * 86400000,
        axisLabel: { hideOverlap: false, formatter: function (v) { return data.legend.months[new Date(v).getMonth()]; } }
      },
      yAxis: {
        type: "category", data: names, inverse: true, triggerEvent: true,
        axisLabel: { interval: 0, width: LABEL_WIDTH, overflow: "truncate", ellipsis: "…" }
      },
      series: [
        {
          type: "custom",
          encode: { x: [1, 2], y: 0 },
          data: bars,
          renderItem: function (params, api) {
            var y = api.value(0);
            var start = api.coord([api.value(1), y]);
            var end = api.coord([api.value(2), y]);
            var height = api.size([0, 1])[1] * 0.55;
            return { type: "rect", shape: { x: start[0], y: start[1] - height / 2, width: Math.max(end[0] - start[0], 2), height: height }, style: api.style() };
          },
          markLine: { symbol: "none", lineStyle: { color: "#d7263d" }, label: { formatter: data.today, position: "start" }, data: [{ xAxis: data.today }] }
        },
        milestone(data.legend.done, done, DONE),
        milestone(data.legend.open, open, OPEN)
      ].concat(statuses)
    });
    labelTitles(chart, el);
    if (el.dataset.link) {
      chart.on("click", function (p) { if (p.seriesIndex === 0) { window.location = el.dataset.link + p.value[6] + "/"; } });
    }
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function draw(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart='kp-stack']").forEach(function (el) { if (!el.dataset.drawn) { stack(el); el.dataset.drawn = "1"; } });
    root.querySelectorAll("[data-chart='kp-gantt']").forEach(function (el) { if (!el.dataset.drawn) { gantt(el); el.dataset.drawn = "1"; } });
  }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
})();
