// The report page's map (issue 17 §1): no tiles (offline), the city's districts drawn from the
// GeoJSON outlines in the page; a tap on the map, or the phone's location, sets the point (the
// hidden latitude/longitude fields). The server checks the point again: this only helps choose it.
(function () {
  "use strict";
  // A tooltip's words as a text node: Leaflet puts a string tooltip in as HTML, and names are people's own words.
  function text(s) { var n = document.createElement("span"); n.textContent = s; return n; }
  var CHANGZHOU = [31.6, 119.65];

  function inside(ring, lon, lat) {
    var hit = false;
    for (var i = 0, j = ring.length - 1; i < ring.length; j = i++) {
      var xi = ring[i][0], yi = ring[i][1], xj = ring[j][0], yj = ring[j][1];
      if ((yi > lat) !== (yj > lat) && lon < (xj - xi) * (lat - yi) / (yj - yi) + xi) hit = !hit;
    }
    return hit;
  }

  function districtAt(data, lat, lon) {
    for (var k = 0; k < data.features.length; k++) {
      var f = data.features[k];
      if (inside(f.geometry.coordinates[0], lon, lat)) return f.properties.name;
    }
    return null;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var element = document.getElementById("report-map");
    var where = document.getElementById("where");
    var latField = document.getElementById("id_latitude");
    var lonField = document.getElementById("id_longitude");
    if (!element || !latField || !lonField) return;
    var source = document.getElementById("district-outlines");
    var data = source ? JSON.parse(source.textContent) : { features: [] };
    var marker = null;
    var map = null;

    function set(lat, lon, how) {
      var name = districtAt(data, lat, lon);
      latField.value = lat.toFixed(6);
      lonField.value = lon.toFixed(6);
      if (map) {
        if (marker) marker.setLatLng([lat, lon]);
        else marker = L.circleMarker([lat, lon], { radius: 10, color: "#d7263d", weight: 3, fillOpacity: 0.7 }).addTo(map);
      }
      where.textContent = name ? (element.dataset.chosen + " " + name + " (" + lat.toFixed(5) + ", " + lon.toFixed(5) + ")")
        : element.dataset.outside;
      where.className = name ? "ok" : "error";
      if (how === "gps" && map) map.setView([lat, lon], 15);
    }

    if (window.L) {
      map = L.map(element, { attributionControl: false, zoomSnap: 0.25 });
      L.control.scale({ imperial: false }).addTo(map);
      map.setView(CHANGZHOU, 9);  // a view before any layer: Leaflet projects a layer when it is added
      var layer = L.geoJSON(data, {
        style: function () { return { color: "#1b75bb", weight: 1.5, fillColor: "#1b75bb", fillOpacity: 0.06 }; },
        onEachFeature: function (f, l) { l.bindTooltip(text(f.properties.name), { permanent: false }); }
      }).addTo(map);
      var bounds = layer.getBounds();
      if (bounds.isValid()) map.fitBounds(bounds, { padding: [8, 8] });
      map.on("click", function (e) { set(e.latlng.lat, e.latlng.lng, "tap"); });
      layer.on("click", function (e) { set(e.latlng.lat, e.latlng.lng, "tap"); });
    }
    if (latField.value && lonField.value) set(parseFloat(latField.value), parseFloat(lonField.value), "gps");

    var button = document.getElementById("use-location");
    if (button) {
      if (!navigator.geolocation) { button.hidden = true; }
      button.addEventListener("click", function () {
        where.textContent = element.dataset.finding;
        navigator.geolocation.getCurrentPosition(function (p) {
          set(p.coords.latitude, p.coords.longitude, "gps");
        }, function () { where.textContent = element.dataset.denied; where.className = "error"; },
        { enableHighAccuracy: true, timeout: 15000 });
      });
    }
  });
})();
