// Judges' strictness before and after normalisation: one boxplot per judge (data computed by the server).
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("ranking-chart");
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    [["chart-raw", data.raw], ["chart-z", data.z]].forEach(function (pair) {
      var el = document.getElementById(pair[0]);
      if (!el) return;
      var chart = echarts.init(el);
      chart.setOption({
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: "item" },
        xAxis: { type: "category", data: data.judges, axisLabel: { interval: 0, rotate: 30 } },
        yAxis: { type: "value", scale: true },
        series: [{ type: "boxplot", data: pair[1], itemStyle: { color: "#dbe8f6", borderColor: "#0b5cad" } }]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  document.addEventListener("DOMContentLoaded", draw);
})();
