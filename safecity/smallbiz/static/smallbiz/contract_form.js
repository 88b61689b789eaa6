// The contract form's enterprise picker: ticking a village ticks all its enterprises (the server
// takes the whole village either way); unticking one of them unticks the village; the count of
// enterprises ticked is shown. No inline script (CSP).
(function () {
  "use strict";
  function count(form) {
    var out = document.getElementById("chosen-count");
    if (!out) return;
    var n = form.querySelectorAll(".enterprise-box:checked").length;
    out.textContent = out.dataset.label + " " + n;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector('[data-testid="contract-form"]');
    if (!form) return;
    form.addEventListener("change", function (event) {
      var box = event.target;
      var group = box.closest ? box.closest(".village-group") : null;
      if (group && box.classList.contains("village-box")) {
        group.querySelectorAll(".enterprise-box").forEach(function (e) { e.checked = box.checked; });
        if (box.checked) group.open = true;
      } else if (group && box.classList.contains("enterprise-box") && !box.checked) {
        var village = group.querySelector(".village-box");
        if (village) village.checked = false;
      }
      count(form);
    });
    // A click on the village's box should not also fold the group open or shut.
    form.querySelectorAll(".village-group summary label").forEach(function (label) {
      label.addEventListener("click", function (event) { event.stopPropagation(); });
    });
    count(form);
  });
})();
