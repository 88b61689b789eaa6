// A report's page: its point on a map without tiles (offline), within the district outlines.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("report-point-map");
    if (!element || !window.L) return;
    var point = JSON.parse(document.getElementById("report-point").textContent);
    var source = document.getElementById("district-outlines");
    var map = L.map(element, { attributionControl: false });
    L.control.scale({ imperial: false }).addTo(map);
    // The view first: Leaflet projects a layer's points when it is added.
    map.setView([point.lat, point.lon], 13);
    if (source) {
      L.geoJSON(JSON.parse(source.textContent), {
        style: function () { return { color: "#1b75bb", weight: 1.5, fillOpacity: 0.04 }; }
      }).addTo(map);
    }
    L.circleMarker([point.lat, point.lon], { radius: 9, color: "#d7263d", fillOpacity: 0.8 }).addTo(map);
  });
})();
