// The live plant map: the site plan as an image overlay at its bounds, the zones drawn on it, and
// every truck at its last known position, polled from the positions endpoint every few seconds.
// Data and words come from the page's json_script block (no inline script: CSP); text is set as
// text, never as HTML.
(function () {
  "use strict";
  // A tooltip's words as a text node: Leaflet puts a string tooltip in as HTML, and names are people's own words.
  function text(s) { var n = document.createElement("span"); n.textContent = s; return n; }
  var ZONE_COLOURS = { indoor: "#0b5cad", outdoor: "#2e7d32", pedestrian: "#ef6c00", forbidden: "#c62828" };
  var POLL_MS = 5000;

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function drawPlan(map, data) {
    if (data.plan) { L.imageOverlay(data.plan, data.bounds).addTo(map); }
    else { L.rectangle(data.bounds, { color: "#5f6b7a", weight: 1, fill: false }).addTo(map); }
    data.zones.forEach(function (z) {
      var colour = ZONE_COLOURS[z.kind] || "#0b5cad";
      var limit = z.limit === null ? data.words.no_entry : data.words.limit + " " + z.limit + " km/h";
      L.polygon(z.points, { color: colour, weight: 2, fillOpacity: z.kind === "forbidden" ? 0.35 : 0.15 })
        .bindTooltip(text(z.name + " · " + z.kind_display + " · " + limit))
        .addTo(map);
    });
    map.fitBounds(data.bounds);
  }

  function popup(t, words) {
    var box = el("div", null, "map-popup");
    var head = el("p"); var link = el("a", t.number); link.href = t.url; head.appendChild(el("strong")).appendChild(link);
    box.appendChild(head);
    box.appendChild(el("p", words.speed + ": " + (t.speed === null ? "—" : t.speed + " km/h")));
    box.appendChild(el("p", words.belt + ": " + (t.belt === null ? "—" : (t.belt ? words.fastened : words.unfastened))));
    box.appendChild(el("p", words.last_seen + ": " + (t.last_seen || "—") + (t.online ? "" : " · " + words.offline)));
    t.alarms.forEach(function (a) {
      var p = el("p"); var link = el("a", a.level_display + " · " + a.title); link.href = a.url; link.style.color = a.colour;
      p.appendChild(link); p.appendChild(document.createTextNode(" " + a.detail)); box.appendChild(p);
    });
    var track = el("a", words.track); track.href = t.track_url; box.appendChild(el("p")).appendChild(track);
    return box;
  }

  function icon(t) {
    var label = el("span", t.number, "truck-label" + (t.alarms.length ? " alarm" : (t.online ? "" : " offline")));
    label.setAttribute("data-testid", "truck-marker");
    return L.divIcon({ className: "truck-icon", html: label, iconSize: [0, 0] });
  }

  function cell(row, node) { var td = document.createElement("td"); if (node) td.appendChild(node); row.appendChild(td); return td; }

  function renderRows(body, data, words) {
    body.textContent = "";
    data.trucks.forEach(function (t) {
      var row = document.createElement("tr"); row.setAttribute("data-truck", t.id);
      var link = el("a", t.number); link.href = t.url; cell(row, link);
      cell(row, el("span", t.speed === null ? "—" : String(t.speed)));
      cell(row, el("span", t.belt === null ? "—" : (t.belt ? words.fastened : words.unfastened)));
      cell(row, el("span", !t.has_device ? words.no_device : (t.last_seen || "—") + (t.last_seen && !t.online ? " · " + words.offline : "")));
      var alarms = cell(row);
      if (!t.alarms.length) alarms.textContent = words.none;
      t.alarms.forEach(function (a, i) {
        if (i) alarms.appendChild(document.createTextNode("; "));
        var a2 = el("a", a.title); a2.href = a.url; a2.style.color = a.colour; alarms.appendChild(a2);
      });
      var track = cell(row);
      if (t.has_device) { var tl = el("a", words.track); tl.href = t.track_url; track.appendChild(tl); }
      body.appendChild(row);
    });
    // Keep the phone's card labels (lists.js labels the cells once, at load).
    var heads = Array.prototype.map.call(body.closest("table").querySelectorAll("thead th"), function (th) { return th.textContent.trim(); });
    body.querySelectorAll("tr").forEach(function (tr) {
      Array.prototype.forEach.call(tr.children, function (td, i) { if (heads[i]) td.setAttribute("data-label", heads[i]); });
    });
  }

  function start() {
    var node = document.getElementById("plant-live-map");
    var source = document.getElementById("plant-live-data");
    if (!window.L || !node || !source) return;
    var data = JSON.parse(source.textContent);
    var words = data.words;
    var map = L.map(node, { attributionControl: false, zoomSnap: 0.25 });
    drawPlan(map, data);
    var markers = {};
    var status = document.getElementById("positions-status");
    var body = document.getElementById("truck-rows");

    function place(positions) {
      var seen = {};
      positions.trucks.forEach(function (t) {
        if (t.lat === null || t.lon === null) return;
        seen[t.id] = true;
        var marker = markers[t.id];
        if (!marker) {
          marker = markers[t.id] = L.marker([t.lat, t.lon], { icon: icon(t), keyboard: true, title: t.number }).addTo(map);
          marker.bindPopup("");
        } else {
          marker.setLatLng([t.lat, t.lon]);
          marker.setIcon(icon(t));
        }
        marker.setPopupContent(popup(t, words));
      });
      Object.keys(markers).forEach(function (id) {
        if (!seen[id]) { map.removeLayer(markers[id]); delete markers[id]; }
      });
    }

    place(data.positions);
    function poll() {
      if (document.hidden) return;
      fetch(data.positions_url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { if (!r.ok) throw new Error(r.status); return r.json(); })
        .then(function (positions) {
          place(positions);
          if (body) renderRows(body, positions, words);
          if (status) status.textContent = words.updated + " " + positions.at;
        })
        .catch(function () { if (status) status.textContent = words.update_failed; });
    }
    window.setInterval(poll, POLL_MS);
  }
  document.addEventListener("DOMContentLoaded", start);
})();
