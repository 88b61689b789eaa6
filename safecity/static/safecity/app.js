// SafeCity front-end glue: draws the cockpit's charts and maps from data the server computed.
(function () {
  "use strict";
  // A tooltip's words as a text node: Leaflet puts a string tooltip in as HTML, and names are people's own words.
  function text(s) { var n = document.createElement("span"); n.textContent = s; return n; }
  function drawCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart='bar']").forEach(function (el) {
      if (el.dataset.drawn) return;
      var data = JSON.parse(el.dataset.series);
      var chart = echarts.init(el);
      chart.setOption({
        grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis" },
        xAxis: { type: "value" },
        yAxis: { type: "category", data: data.labels, inverse: true },
        series: [{
          type: "bar",
          data: data.values.map(function (v, i) { return data.colours ? { value: v, itemStyle: { color: data.colours[i] } } : v; }),
          itemStyle: { color: "#0b5cad" }, label: { show: true, position: "right" }
        }]
      });
      el.dataset.drawn = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  function drawMaps(root) {
    if (!window.L) return;
    root.querySelectorAll("[data-map]").forEach(function (el) {
      if (el.dataset.drawn) return;
      var data = JSON.parse(el.dataset.map);
      // No tile layer: the app works offline; points are drawn on a plain background.
      var map = L.map(el, { attributionControl: false });
      var bounds = [];
      data.points.forEach(function (p) {
        var colour = p[5] || "#0b5cad";
        var marker = L.circleMarker([p[3], p[4]], { radius: p[5] ? 6 : 4, weight: 1, color: colour, fillColor: colour, fillOpacity: 0.8 });
        marker.bindTooltip(text(p[1] + (p[6] ? " · " + p[6] : "")));
        marker.on("click", function () { window.location = (el.dataset.link || "/organisations/") + p[0] + "/"; });
        marker.addTo(map);
        bounds.push([p[3], p[4]]);
      });
      if (bounds.length) { map.fitBounds(bounds, { padding: [10, 10] }); } else { map.setView([31.78, 119.95], 9); }
      el.dataset.drawn = "1";
    });
  }
  function draw(root) { drawCharts(root); drawMaps(root); }
  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSwap", function (e) { draw(e.target); });
})();
