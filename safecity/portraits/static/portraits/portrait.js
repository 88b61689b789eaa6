// Health portrait page: the radar of the dimensions and the trend line, from data the server computed.
(function () {
  "use strict";
  // Dimension names wrap at LINE characters; the radius leaves room for the longest name on
  // every side, so no label is clipped on a 390 px phone. No animation: the chart is there at once.
  var LINE = 6, FONT = 12, GAP = 10;
  function wrap(name) {
    var lines = [];
    for (var i = 0; i < name.length; i += LINE) lines.push(name.slice(i, i + LINE));
    return lines.join("\n");
  }
  function radarOption(el, data) {
    var longest = data.indicators.reduce(function (n, d) { return Math.max(n, Math.min(LINE, d.name.length)); }, 0);
    var rows = data.indicators.reduce(function (n, d) { return Math.max(n, Math.ceil(d.name.length / LINE)); }, 1);
    var room = Math.min(el.clientWidth / 2 - longest * FONT - GAP - 8, el.clientHeight / 2 - rows * FONT * 1.3 - GAP - 8);
    return {
      animation: false,
      tooltip: {},
      radar: { indicator: data.indicators, radius: Math.max(40, Math.floor(room)), center: ["50%", "50%"],
               axisNameGap: GAP, axisName: { color: "#1d2733", fontSize: FONT, lineHeight: FONT * 1.3, formatter: wrap } },
      series: [{ type: "radar", data: [{ value: data.values, name: "" }],
                 areaStyle: { color: data.colour, opacity: 0.25 }, lineStyle: { color: data.colour }, itemStyle: { color: data.colour } }]
    };
  }
  function draw() {
    if (!window.echarts) return;
    document.querySelectorAll("[data-chart='radar']").forEach(function (el) {
      var data = JSON.parse(el.dataset.radar);
      var chart = echarts.init(el);
      chart.setOption(radarOption(el, data));
      el.dataset.drawn = "1";
      el.dataset.drawnAt = String(Math.round(performance.now()));
      window.addEventListener("resize", function () { chart.resize(); chart.setOption(radarOption(el, data)); });
    });
    document.querySelectorAll("[data-chart='trend']").forEach(function (el) {
      var data = JSON.parse(el.dataset.trend);
      var chart = echarts.init(el);
      chart.setOption({
        animation: false,
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
