// A park's site plan: the uploaded image on a plain Leaflet map in the plan's own pixels (CRS.Simple,
// no tiles: the platform works offline), with the shapes drawn on it (tenant areas as polygons,
// routes and ways as lines, assembly points as circles). Data from data-site-plan (no inline
// script: CSP). On the drawing page each click on the plan adds a point ("x, y" a line in the
// form's textarea, which stays editable) and the shape so far is drawn dashed.
(function () {
  "use strict";
  // A tooltip's words as a text node: Leaflet puts a string tooltip in as HTML, and names are people's own words.
  function text(s) { var n = document.createElement("span"); n.textContent = s; return n; }
  function toLatLng(height, p) { return [height - p[1], p[0]]; }
  function draw(el) {
    if (!window.L || el.dataset.drawn) return;
    var data = JSON.parse(el.dataset.sitePlan);
    var w = data.width, h = data.height;
    var map = L.map(el, { crs: L.CRS.Simple, attributionControl: false, zoomSnap: 0.25, minZoom: -5 });
    var bounds = [[0, 0], [h, w]];
    L.imageOverlay(el.dataset.image, bounds).addTo(map);
    data.shapes.forEach(function (s) {
      var pts = s.points.map(function (p) { return toLatLng(h, p); });
      var layer;
      if (s.kind === "tenant_area") layer = L.polygon(pts, { color: s.colour, weight: 2, fillOpacity: 0.2 });
      else if (s.kind === "assembly_point") layer = L.circleMarker(pts[0], { radius: 9, color: s.colour, fillOpacity: 0.8 });
      else layer = L.polyline(pts, { color: s.colour, weight: 4, dashArray: s.kind === "escape_route" ? null : "8 6" });
      layer.bindTooltip(text((s.label ? s.label + " · " : "") + s.kind_label), { permanent: s.kind === "tenant_area", direction: "center", className: "plan-label" });
      layer.addTo(map);
    });
    map.fitBounds(bounds);
    el.dataset.drawn = "1";
    sketching(map, h);
  }
  function sketching(map, h) {
    var form = document.querySelector("[data-shape-form]");
    var area = form && form.querySelector("[data-shape-points]");
    if (!area) return;
    var sketch = null;
    function points() {
      return area.value.split("\n").map(function (line) {
        var parts = line.replace(/，/g, ",").split(/[\s,]+/).filter(Boolean).map(Number);
        return parts.length === 2 && isFinite(parts[0]) && isFinite(parts[1]) ? toLatLng(h, parts) : null;
      }).filter(Boolean);
    }
    function redraw() {
      if (sketch) { map.removeLayer(sketch); sketch = null; }
      var pts = points();
      if (pts.length) sketch = L.polyline(pts, { color: "#111", weight: 2, dashArray: "4 4" }).addTo(map);
    }
    map.on("click", function (e) {
      var x = Math.round(e.latlng.lng), y = Math.round(h - e.latlng.lat);
      area.value = area.value.replace(/\s+$/, "") + (area.value.trim() ? "\n" : "") + x + ", " + y;
      redraw();
    });
    area.addEventListener("input", redraw);
    var clear = form.querySelector("[data-shape-clear]");
    if (clear) clear.addEventListener("click", function () { area.value = ""; redraw(); });
    redraw();
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-site-plan]").forEach(draw);
  });
})();
