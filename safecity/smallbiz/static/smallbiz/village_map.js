// The district's picture: each village a circle at the mean position of its enterprises, in the
// colour of the share of its visits done on time; a popup with the figures in words and a link to
// the village's page. No tiles (the platform works offline). The points come from the server in
// #village-map-data (GeoJSON; no inline script: CSP); the words from the map's data attributes.
(function () {
  "use strict";
  var CHANGZHOU = [31.78, 119.95];

  function line(tag, text, className) {
    var node = document.createElement(tag);
    node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  function popup(p, d) {
    var box = document.createElement("div");
    box.className = "village-map-popup";
    box.appendChild(line("strong", p.name));
    if (p.street) box.appendChild(line("div", p.street, "muted"));
    box.appendChild(line("div", d.enterprisesLabel + " " + p.enterprises));
    box.appendChild(line("div", p.band_label));
    box.appendChild(line("div", d.doneLabel + " " + p.done + " · " + d.onTimeLabel + " " + p.on_time));
    box.appendChild(line("div", d.overdueLabel + " " + p.overdue, p.overdue ? "alarm" : ""));
    box.appendChild(line("div", d.hazardsLabel + " " + p.hazards, p.hazards ? "alarm" : ""));
    var link = line("a", d.openLabel);
    link.href = p.url;
    box.appendChild(link);
    return box;
  }

  function draw(el) {
    if (!window.L || el.dataset.drawn) return;
    var source = document.getElementById("village-map-data");
    var data = source ? JSON.parse(source.textContent) : { features: [] };
    var map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
    L.control.scale({ imperial: false }).addTo(map);
    var bounds = [];
    data.features.forEach(function (f) {
      var p = f.properties;
      var latlng = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      var marker = L.circleMarker(latlng, {
        radius: Math.min(22, 7 + Math.sqrt(p.enterprises) * 2),
        weight: p.overdue ? 3 : 1,
        color: p.overdue ? "#111111" : "#ffffff",
        fillColor: p.colour,
        fillOpacity: 0.85,
        className: "village-marker band-" + p.band
      });
      marker.bindTooltip(p.name + " · " + p.band_label);
      marker.bindPopup(popup(p, el.dataset));
      marker.addTo(map);
      bounds.push(latlng);
    });
    if (bounds.length > 1) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 15 }); }
    else if (bounds.length === 1) { map.setView(bounds[0], 14); }
    else { map.setView(CHANGZHOU, 10); }
    el.dataset.drawn = "1";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("village-map");
    if (el) draw(el);
  });
})();
