// The restaurant street map: each restaurant a circle in the colour of its status, ringed in black
// when a cross-check finding is open; a popup with its name, its status in words and a link to its
// page. No tiles (the platform works offline): the points lie on the map's plain background.
// The points come from the server in #street-map-data (GeoJSON; no inline script: CSP); the words
// come from the map's data attributes, already translated.
(function () {
  "use strict";
  var CHANGZHOU = [31.78, 119.95];

  function line(tag, text, className) {
    var node = document.createElement(tag);
    node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  // Built from DOM nodes, never from HTML strings: names are the restaurants' own words.
  function popup(p, el) {
    var box = document.createElement("div");
    box.className = "street-map-popup";
    box.appendChild(line("strong", p.name));
    box.appendChild(line("div", p.street, "muted"));
    box.appendChild(line("div", p.status_label));
    if (p.step_label && p.step_label !== p.status_label) box.appendChild(line("div", p.step_label, "muted"));
    if (p.flagged) box.appendChild(line("div", el.dataset.flagLabel, "flag"));
    var link = line("a", el.dataset.openLabel);
    link.href = p.url;
    box.appendChild(link);
    return box;
  }

  function draw(el) {
    if (!window.L || el.dataset.drawn) return;
    var source = document.getElementById("street-map-data");
    var data = source ? JSON.parse(source.textContent) : { features: [] };
    var map = L.map(el, { attributionControl: false, zoomSnap: 0.25 });
    L.control.scale({ imperial: false }).addTo(map);
    var bounds = [];
    data.features.forEach(function (f) {
      var p = f.properties;
      var latlng = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      var marker = L.circleMarker(latlng, {
        radius: p.flagged ? 9 : 7,
        weight: p.flagged ? 3 : 1,
        color: p.flagged ? el.dataset.flagColour : "#ffffff",
        fillColor: p.colour,
        fillOpacity: 0.9,
        className: "restaurant-marker status-" + p.status + (p.flagged ? " flagged" : "")
      });
      marker.bindTooltip(p.name + " · " + p.status_label + (p.flagged ? " · " + el.dataset.flagLabel : ""));
      marker.bindPopup(popup(p, el));
      marker.addTo(map);
      bounds.push(latlng);
    });
    if (bounds.length > 1) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 }); }
    else if (bounds.length === 1) { map.setView(bounds[0], 16); }
    else { map.setView(CHANGZHOU, 10); }
    el.dataset.drawn = "1";
  }

  document.addEventListener("DOMContentLoaded", function () {
    var el = document.getElementById("street-map");
    if (el) draw(el);
  });
})();
