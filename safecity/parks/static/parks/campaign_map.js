// The campaign map: each park a circle sized by its tenants, red when a major hidden hazard the
// register raised is open, orange when tenants lack a valid agreement, green otherwise; a popup
// with the figures in words and a link to the park. The map itself is core/region_map.js.
(function () {
  "use strict";
  function colour(p) { return p.major ? "#c62828" : p.missing ? "#ef6c00" : "#2e7d32"; }
  SafeCityMap.draw("parks-map", function (el) {
    var d = el.dataset;
    return {
      data: "parks-map-data",
      maxZoom: 14,
      pointZoom: 13,
      marker: function (p) {
        return { radius: Math.min(22, 7 + Math.sqrt(p.tenants) * 2), weight: 1, color: "#ffffff", fillColor: colour(p), fillOpacity: 0.85 };
      },
      tooltip: function (p) { return p.name; },
      popup: function (p) {
        return SafeCityMap.popup(
          p.name,
          [d.tenantsLabel + " " + p.tenants, [d.missingLabel + " " + p.missing, p.missing ? "alarm" : ""], [d.majorLabel + " " + p.major, p.major ? "alarm" : ""]],
          { text: d.openLabel, href: p.url }
        );
      }
    };
  });
})();
