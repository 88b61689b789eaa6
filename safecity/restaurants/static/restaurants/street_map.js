// The restaurant street map: each restaurant a circle in the colour of its status, ringed in the
// flag colour when a cross-check finding is open; a popup with its name, its status in words and a
// link to its page. The map itself (offline, the points from #street-map-data) is
// core/region_map.js; the words come from the map's data attributes, already translated.
(function () {
  "use strict";

  function popup(p, d) {
    return SafeCityMap.popup(
      p.name,
      [
        [p.street, "muted"],
        p.status_label,
        p.step_label && p.step_label !== p.status_label && [p.step_label, "muted"],
        p.flagged && [d.flagLabel, "alarm"]
      ],
      { text: d.openLabel, href: p.url }
    );
  }

  SafeCityMap.draw("street-map", function (el) {
    var d = el.dataset;
    return {
      data: "street-map-data",
      maxZoom: 17,
      pointZoom: 16,
      marker: function (p) {
        return {
          radius: p.flagged ? 9 : 7,
          weight: p.flagged ? 3 : 1,
          color: p.flagged ? d.flagColour : "#ffffff",
          fillColor: p.colour,
          fillOpacity: 0.9,
          className: "restaurant-marker status-" + p.status + (p.flagged ? " flagged" : "")
        };
      },
      tooltip: function (p) { return p.name + " · " + p.status_label + (p.flagged ? " · " + d.flagLabel : ""); },
      popup: function (p) { return popup(p, d); }
    };
  });
})();
