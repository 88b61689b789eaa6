// The district's picture: each village a circle at the mean position of its enterprises, in the
// colour of the share of its visits done on time, ringed in black when visits are overdue; a popup
// with the figures in words and a link to the village's page. The map itself (offline, the points
// from #village-map-data) is core/region_map.js; the words come from the map's data attributes.
(function () {
  "use strict";

  function popup(p, d) {
    return SafeCityMap.popup(
      p.name,
      [
        p.street && [p.street, "muted"],
        d.enterprisesLabel + " " + p.enterprises,
        p.band_label,
        d.doneLabel + " " + p.done + " · " + d.onTimeLabel + " " + p.on_time,
        [d.overdueLabel + " " + p.overdue, p.overdue ? "alarm" : ""],
        [d.hazardsLabel + " " + p.hazards, p.hazards ? "alarm" : ""]
      ],
      { text: d.openLabel, href: p.url }
    );
  }

  SafeCityMap.draw("village-map", function (el) {
    return {
      data: "village-map-data",
      maxZoom: 15,
      pointZoom: 14,
      marker: function (p) {
        return {
          radius: Math.min(22, 7 + Math.sqrt(p.enterprises) * 2),
          weight: p.overdue ? 3 : 1,
          color: p.overdue ? "#111111" : "#ffffff",
          fillColor: p.colour,
          fillOpacity: 0.85,
          className: "village-marker band-" + p.band
        };
      },
      tooltip: function (p) { return p.name + " · " + p.band_label; },
      popup: function (p) { return popup(p, el.dataset); }
    };
  });
})();
