// The plant map: the site plan as an image overlay at its bounds, the zones drawn on it (no tiles:
// the platform works offline). Data from the server in data-plant-map (no inline script: CSP).
(function () {
  "use strict";
  // A tooltip's words as a text node: Leaflet puts a string tooltip in as HTML, and names are people's own words.
  function text(s) { var n = document.createElement("span"); n.textContent = s; return n; }
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
      polygon.bindTooltip(text(z.name + " · " + z.kind_display + " · " + limit));
      polygon.addTo(map);
    });
    map.fitBounds(data.bounds);
    el.dataset.drawn = "1";
    drawing(map);
  }
  // Adding a zone: each click on the map is a corner ("longitude, latitude" a line in the form's
  // textarea, which stays editable); the corners so far are drawn as a dashed polygon.
  function drawing(map) {
    var form = document.querySelector("[data-zone-form]");
    var area = form && form.querySelector("[data-zone-points]");
    if (!area) return;
    var sketch = null;
    function corners() {
      return area.value.split("\n").map(function (line) {
        var parts = line.replace(/，/g, ",").split(/[\s,]+/).filter(Boolean).map(Number);
        return parts.length === 2 && isFinite(parts[0]) && isFinite(parts[1]) ? [parts[1], parts[0]] : null;
      }).filter(Boolean);
    }
    function redraw() {
      if (sketch) { map.removeLayer(sketch); sketch = null; }
      var points = corners();
      if (points.length) {
        sketch = L.polygon(points, { color: "#6a1b9a", weight: 2, dashArray: "4 4", fillOpacity: 0.1 }).addTo(map);
      }
    }
    map.on("click", function (e) {
      var line = e.latlng.lng.toFixed(6) + ", " + e.latlng.lat.toFixed(6);
      area.value = area.value.replace(/\s+$/, "") + (area.value.trim() ? "\n" : "") + line;
      redraw();
    });
    area.addEventListener("input", redraw);
    var clear = form.querySelector("[data-zone-clear]");
    if (clear) clear.addEventListener("click", function () { area.value = ""; redraw(); });
    redraw();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-plant-map]").forEach(draw);
  });
})();
