// The visit's place: the browser's geolocation fills the hidden latitude/longitude of the sign form.
(function () {
  var where = document.getElementById("where");
  if (!where) { return; }
  if (!navigator.geolocation) { where.textContent = where.dataset.unsupported; return; }
  navigator.geolocation.getCurrentPosition(function (p) {
    document.getElementById("id_latitude").value = p.coords.latitude.toFixed(6);
    document.getElementById("id_longitude").value = p.coords.longitude.toFixed(6);
    where.textContent = where.dataset.found + " " + p.coords.latitude.toFixed(5) + ", " + p.coords.longitude.toFixed(5);
  }, function () { where.textContent = where.dataset.denied; }, {enableHighAccuracy: true, timeout: 15000});
})();
