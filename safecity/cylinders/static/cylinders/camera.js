// Phone scanning: Chromium's BarcodeDetector reads the QR code from the camera where available;
// otherwise the code is typed (or entered by a hardware scanner acting as a keyboard).
(function () {
  var button = document.getElementById("camera-button"), video = document.getElementById("camera");
  var input = document.querySelector("[data-testid='scan-code']");
  if (!button || !("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  button.hidden = false;
  button.addEventListener("click", async function () {
    var detector = new BarcodeDetector({ formats: ["qr_code"] });
    var stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
    video.srcObject = stream; video.hidden = false; await video.play();
    var timer = setInterval(async function () {
      var codes = await detector.detect(video);
      if (!codes.length) return;
      var text = codes[0].rawValue, m = text.match(/\/cylinders\/c\/([^\/]+)\//);
      input.value = m ? decodeURIComponent(m[1]) : text;
      clearInterval(timer); stream.getTracks().forEach(function (t) { t.stop(); }); video.hidden = true;
      input.form.requestSubmit();
    }, 300);
  });
})();
