// Route playback: one truck's positions of one day as a line over its plant's site plan, a marker
// moved along it by a slider or the play button, and the day's alarms where they fired. Data and
// words come from the page's json_script block (no inline script: CSP); text is set as text.
(function () {
  "use strict";
  // A tooltip's words as a text node: Leaflet puts a string tooltip in as HTML, and names are people's own words.
  function text(s) { var n = document.createElement("span"); n.textContent = s; return n; }
  var ZONE_COLOURS = { indoor: "#0b5cad", outdoor: "#2e7d32", pedestrian: "#ef6c00", forbidden: "#c62828" };

  function el(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = text;
    return node;
  }
  function two(n) { return (n < 10 ? "0" : "") + n; }
  // The plant's local time (the server's time zone), whatever the browser's.
  function clock(ms, offset) { var d = new Date(ms + offset); return two(d.getUTCHours()) + ":" + two(d.getUTCMinutes()) + ":" + two(d.getUTCSeconds()); }

  function start() {
    var node = document.getElementById("track-map");
    var source = document.getElementById("track-data");
    if (!window.L || !node || !source) return;
    var data = JSON.parse(source.textContent);
    var words = data.words;
    var map = L.map(node, { attributionControl: false, zoomSnap: 0.25 });
    if (data.plan) { L.imageOverlay(data.plan, data.bounds).addTo(map); }
    else { L.rectangle(data.bounds, { color: "#5f6b7a", weight: 1, fill: false }).addTo(map); }
    data.zones.forEach(function (z) {
      var colour = ZONE_COLOURS[z.kind] || "#0b5cad";
      var limit = z.limit === null ? words.no_entry : words.limit + " " + z.limit + " km/h";
      L.polygon(z.points, { color: colour, weight: 2, fillOpacity: z.kind === "forbidden" ? 0.35 : 0.15 })
        .bindTooltip(text(z.name + " · " + z.kind_display + " · " + limit)).addTo(map);
    });
    var points = data.points;
    var fit = L.latLngBounds(data.bounds);
    if (points.length) {
      var line = L.polyline(points.map(function (p) { return [p[0], p[1]]; }), { color: "#0b5cad", weight: 3, opacity: 0.8 }).addTo(map);
      fit = fit.extend(line.getBounds());
    }
    data.alarms.forEach(function (a) {
      if (a.lat === null || a.lon === null) return;
      var box = el("div");
      var head = el("p"); var link = el("a", a.level_display + " · " + a.title); link.href = a.url; link.style.color = a.colour;
      head.appendChild(link); box.appendChild(head);
      box.appendChild(el("p", a.time + " · " + a.detail));
      L.circleMarker([a.lat, a.lon], { radius: 7, color: "#fff", weight: 2, fillColor: a.colour, fillOpacity: 0.95, className: "alarm-marker" })
        .bindPopup(box).bindTooltip(text(a.time + " " + a.title)).addTo(map);
    });
    map.fitBounds(fit, { padding: [8, 8] });
    if (!points.length) return;

    var slider = document.getElementById("track-slider");
    var play = document.getElementById("track-play");
    var label = document.getElementById("track-time");
    var marker = L.circleMarker([points[0][0], points[0][1]], { radius: 8, color: "#fff", weight: 2, fillColor: "#102a43", fillOpacity: 1 }).addTo(map);
    function show(i) {
      var p = points[i];
      marker.setLatLng([p[0], p[1]]);
      label.textContent = clock(p[2], data.utc_offset_ms || 0) + (p[3] === null ? "" : " · " + words.speed + " " + p[3] + " km/h");
    }
    var timer = null;
    function stop() { if (timer) { window.clearInterval(timer); timer = null; } play.textContent = words.play; }
    slider.addEventListener("input", function () { show(Number(slider.value)); });
    play.addEventListener("click", function () {
      if (timer) { stop(); return; }
      if (Number(slider.value) >= points.length - 1) slider.value = "0";
      // The whole day plays in about a minute, whatever the number of points.
      var step = Math.max(1, Math.round(points.length / 600));
      play.textContent = words.pause;
      timer = window.setInterval(function () {
        var next = Math.min(points.length - 1, Number(slider.value) + step);
        slider.value = String(next);
        show(next);
        if (next >= points.length - 1) stop();
      }, 100);
    });
    show(0);
  }
  document.addEventListener("DOMContentLoaded", start);
})();
