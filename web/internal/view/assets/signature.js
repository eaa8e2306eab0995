// spotcheck — the representative's signature on the inspector's phone
// (issue 11, templates/record.html): a finger or a pen draws on the pad;
// on submit the drawing goes as a PNG data URL in the form's "png" field.
// An empty pad is not sent (the server refuses one too). Pointer events
// cover touch, pen and mouse; touch-action: none (style.css) keeps the
// page from scrolling under the finger.
"use strict";

(function () {
  var form = document.getElementById("signature-form");
  var pad = form && form.querySelector("canvas.signpad");
  if (!pad || !pad.getContext) { return; }
  var g = pad.getContext("2d");
  var drawn = false, last = null;
  g.lineWidth = 4;
  g.lineCap = "round";
  g.lineJoin = "round";
  g.strokeStyle = "#111";

  // at maps a pointer to the canvas's own pixels, whatever its CSS size.
  function at(ev) {
    var r = pad.getBoundingClientRect();
    return { x: (ev.clientX - r.left) * pad.width / r.width, y: (ev.clientY - r.top) * pad.height / r.height };
  }
  pad.addEventListener("pointerdown", function (ev) {
    ev.preventDefault();
    // Capture keeps the stroke when the finger leaves the pad; a pointer
    // the browser does not know (a synthetic one) cannot be captured.
    try { pad.setPointerCapture(ev.pointerId); } catch (e) { /* draw without capture */ }
    last = at(ev);
    g.beginPath();
    g.arc(last.x, last.y, g.lineWidth / 2, 0, 2 * Math.PI);
    g.fillStyle = g.strokeStyle;
    g.fill();
    drawn = true;
  });
  pad.addEventListener("pointermove", function (ev) {
    if (!last) { return; }
    ev.preventDefault();
    var p = at(ev);
    g.beginPath();
    g.moveTo(last.x, last.y);
    g.lineTo(p.x, p.y);
    g.stroke();
    last = p;
  });
  var end = function () { last = null; };
  pad.addEventListener("pointerup", end);
  pad.addEventListener("pointercancel", end);
  pad.addEventListener("pointerleave", end);

  var clear = form.querySelector(".padclear");
  if (clear) {
    clear.addEventListener("click", function () {
      g.clearRect(0, 0, pad.width, pad.height);
      drawn = false;
    });
  }
  form.addEventListener("submit", function (ev) {
    if (!drawn) {
      ev.preventDefault();
      window.alert("请当事人在签名框内手写签名");
      return;
    }
    form.elements.png.value = pad.toDataURL("image/png");
  });
})();
