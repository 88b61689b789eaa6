// Health portrait page: the radar of the dimensions and the trend line, from data the server computed.
(function () {
  "use strict";
  function draw() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart='radar']").forEach(function (el) {
      var data = JSON.parse(el.dataset.radar);
      var chart = echarts.init(el);
      chart.setOption({
        tooltip: {},
        radar: { indicator: data.indicators, radius: "62%" },
        series: [{ type: "radar", data: [{ value: data.values, name: "" }],
                   areaStyle: { color: data.colour, opacity: 0.25 }, lineStyle: { color: data.colour }, itemStyle: { color: data.colour } }]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
    document.querySelectorAll("[data-chart='trend']").forEach(function (el) {
      var data = JSON.parse(el.dataset.trend);
      var chart = echarts.init(el);
      chart.setOption({
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis" },
        xAxis: { type: "category", data: data.years },
        yAxis: { type: "value", min: 0, max: 100 },
        series: [{ type: "line", data: data.scores.map(function (v, i) { return { value: v, itemStyle: { color: data.colours[i] } }; }),
                   label: { show: true, position: "top" },
                   markLine: { silent: true, symbol: "none", data: [{ yAxis: 60 }, { yAxis: 75 }, { yAxis: 90 }] } }]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
