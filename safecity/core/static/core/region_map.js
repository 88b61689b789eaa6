// SafeCityMap: the Leaflet set-up the region maps share (the restaurant street map, the village
// map). No tiles (the platform works offline): the points lie on the map's plain background, with a
// metric scale, framed on the points (on Changzhou when there are none). The points come from the
// server in a json_script block (GeoJSON; no inline script: CSP). What is each page's own stays in
// the page's script: how a point is drawn, its tooltip, its popup, with the words the page's map
// carries, already translated, in its data attributes.
// A plain script, no bundler: load it after vendor/leaflet/leaflet.js and before the page's script.
(function () {
  "use strict";
  var CHANGZHOU = [31.78, 119.95];

  // A node with text, never HTML: names in popups are the organisations' own words.
  function line(tag, text, className) {
    var node = document.createElement(tag);
    node.textContent = text;
    if (className) node.className = className;
    return node;
  }

  // A popup (built from DOM nodes, never from HTML strings): the point's name in bold, then one line
  // each of `lines` (a text, or [text, className]; a falsy entry is left out), then a link
  // ({ text, href }) to the point's page.
  function popup(title, lines, link) {
    var box = document.createElement("div");
    box.className = "region-map-popup";
    box.appendChild(line("strong", title));
    lines.forEach(function (entry) {
      if (!entry) return;
      box.appendChild(typeof entry === "string" ? line("div", entry) : line("div", entry[0], entry[1]));
    });
    var anchor = line("a", link.text);
    anchor.href = link.href;
    box.appendChild(anchor);
    return box;
  }

  // Draws the map once into `element` and returns it (null without Leaflet, or when already drawn).
  // options.data: the id of the json_script block with the GeoJSON points;
  // options.marker(p): the L.circleMarker options of a point, from its properties;
  // options.tooltip(p): its tooltip text; options.popup(p): its popup (a DOM node);
  // options.maxZoom: the closest zoom that frames several points; options.pointZoom: a lone point's.
  function create(element, options) {
    if (!window.L || element.dataset.drawn) return null;
    var source = document.getElementById(options.data);
    var data = source ? JSON.parse(source.textContent) : { features: [] };
    var map = L.map(element, { attributionControl: false, zoomSnap: 0.25 });
    L.control.scale({ imperial: false }).addTo(map);
    var bounds = [];
    data.features.forEach(function (f) {
      var p = f.properties;
      // GeoJSON is longitude first (RFC 7946 §3.1.1), Leaflet latitude first.
      var latlng = [f.geometry.coordinates[1], f.geometry.coordinates[0]];
      var marker = L.circleMarker(latlng, options.marker(p));
      marker.bindTooltip(line("span", options.tooltip(p)));
      marker.bindPopup(options.popup(p));
      marker.addTo(map);
      bounds.push(latlng);
    });
    if (bounds.length > 1) { map.fitBounds(bounds, { padding: [24, 24], maxZoom: options.maxZoom }); }
    else if (bounds.length === 1) { map.setView(bounds[0], options.pointZoom); }
    else { map.setView(CHANGZHOU, 10); }
    element.dataset.drawn = "1";
    return map;
  }

  // Draws the map of id `mapId`, if the page has one, once the page is parsed; `optionsFor(element)`
  // gives create's options (they read their words from the element's data attributes).
  function draw(mapId, optionsFor) {
    document.addEventListener("DOMContentLoaded", function () {
      var element = document.getElementById(mapId);
      if (element) create(element, optionsFor(element));
    });
  }

  window.SafeCityMap = { create: create, draw: draw, popup: popup, line: line };
})();
