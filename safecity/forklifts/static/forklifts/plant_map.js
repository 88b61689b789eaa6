// The plant map: the site plan as an image overlay at its bounds, the zones drawn on it (no tiles:
// the platform works offline). Data from the server in data-plant-map (no inline script: CSP).
(function () {
  "use strict";
  var COLOURS = { indoor: "#0b5cad", outdoor: "#2e7d32", pedestrian: "#ef6c00", forbidden: "#c62828" };
  function draw(el) {
    if (!window.L || el.dataset.drawn) return;
    var data = JSON.parse(el.dataset.plantMap);
    var map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
    if (el.dataset.plan) { L.imageOverlay(el.dataset.plan, data.bounds).addTo(map); }
    else { L.rectangle(data.bounds, { color: "#5f6b7a", weight: 1, fill: false }).addTo(map); }
    data.zones.forEach(function (z) {
      var colour = COLOURS[z.kind] || "#0b5cad";
      var polygon = L.polygon(z.points, { color: colour, weight: 2, fillOpacity: z.kind === "forbidden" ? 0.35 : 0.15 });
      var limit = z.limit === null ? el.dataset.noEntry : el.dataset.limitLabel + " " + z.limit + " km/h";
      polygon.bindTooltip(z.name + " · " + z.kind_display + " · " + limit);
      polygon.addTo(map);
    });
    map.fitBounds(data.bounds);
    el.dataset.drawn = "1";
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-plant-map]").forEach(draw);
  });
})();
