// spotcheck — shrinks a photo on the phone before it is uploaded as
// evidence (issue 11): a phone's photo of 5–12 MB becomes a JPEG of a few
// hundred KB, no larger than data-shrink pixels on its long side, which
// uploads quickly over a weak signal on site. Without this script, or
// where the browser cannot decode the photo, the original is uploaded and
// the server's limits apply. PDFs are never touched.
//
// createImageBitmap decodes the file without a blob: URL, which the
// pages' content security policy (img-src 'self' data:) would refuse.
"use strict";

(function () {
  var QUALITY = 0.8;

  function shrink(input) {
    var file = input.files && input.files[0];
    var side = parseInt(input.getAttribute("data-shrink"), 10) || 1600;
    if (!file || !/^image\/(jpeg|png|webp)$/.test(file.type) ||
        !window.createImageBitmap || !window.DataTransfer || !HTMLCanvasElement.prototype.toBlob) {
      return;
    }
    var form = input.form;
    var button = form && form.querySelector("button");
    if (button) { button.disabled = true; }
    var done = function () { if (button) { button.disabled = false; } };
    createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bmp) {
      var scale = Math.min(1, side / Math.max(bmp.width, bmp.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(bmp.width * scale));
      canvas.height = Math.max(1, Math.round(bmp.height * scale));
      var g = canvas.getContext("2d");
      g.fillStyle = "#fff"; // a transparent PNG gets a white ground in JPEG
      g.fillRect(0, 0, canvas.width, canvas.height);
      g.drawImage(bmp, 0, 0, canvas.width, canvas.height);
      if (bmp.close) { bmp.close(); }
      canvas.toBlob(function (blob) {
        // Keep the original when shrinking gains nothing.
        if (blob && blob.size < file.size && input.files[0] === file) {
          var name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
          var dt = new DataTransfer();
          dt.items.add(new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified }));
          input.files = dt.files;
        }
        done();
      }, "image/jpeg", QUALITY);
    }).catch(done);
  }

  document.addEventListener("change", function (ev) {
    var input = ev.target;
    if (input.matches && input.matches("input[type=file][data-shrink]")) {
      shrink(input);
    }
  });
})();
