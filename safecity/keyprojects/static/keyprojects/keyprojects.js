// Key projects: the status breakdown (stacked bars) and the Gantt timeline, drawn by ECharts
// from data the server computed (json_script), offline.
(function () {
  "use strict";
  function source(el) { return JSON.parse(document.getElementById(el.dataset.source).textContent); }
  function stack(el) {
    var data = source(el);
    var chart = echarts.init(el);
    chart.setOption({
      grid: { left: 8, right: 16, top: 30, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", data: data.labels, inverse: true },
      series: data.series.map(function (s) {
        return { type: "bar", stack: "status", name: s.name, data: s.values, itemStyle: { color: s.colour } };
      })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  function gantt(el) {
    var data = source(el);
    var names = data.rows.map(function (r) { return r.name; });
    var bars = data.rows.map(function (r, i) {
      return { value: [i, r.start, r.end, r.actual, r.expected, r.status, r.id], itemStyle: { color: r.colour } };
    });
    var points = [];
    data.rows.forEach(function (r, i) {
      r.milestones.forEach(function (m) {
        points.push({ value: [m.date, i, m.name], itemStyle: { color: m.done ? "#1b7f3b" : "#fff", borderColor: "#333" } });
      });
    });
    var chart = echarts.init(el);
    chart.setOption({
      grid: { left: 8, right: 24, top: 10, bottom: 24, containLabel: true },
      tooltip: {
        formatter: function (p) {
          if (p.seriesIndex === 0) { return names[p.value[0]] + "<br>" + p.value[1] + " → " + p.value[2] + "<br>" + p.value[5] + " · " + p.value[3] + "% / " + p.value[4] + "%"; }
          return p.value[2] + " · " + p.value[0];
        }
      },
      xAxis: { type: "time", position: "bottom" },
      yAxis: { type: "category", data: names, inverse: true, axisLabel: { width: 260, overflow: "truncate" } },
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
          markLine: { symbol: "none", lineStyle: { color: "#d7263d" }, label: { formatter: data.today }, data: [{ xAxis: data.today }] }
        },
        { type: "scatter", symbol: "diamond", symbolSize: 10, data: points, encode: { x: 0, y: 1 } }
      ]
    });
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
