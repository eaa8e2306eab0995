// spotcheck — the little plain JavaScript the pages use. No inline script
// anywhere (the content security policy forbids it), so behaviour hangs on
// data- attributes.
"use strict";

document.addEventListener("submit", function (ev) {
  // Irreversible acts ask first: <form data-confirm="…">.
  var form = ev.target;
  var question = form.getAttribute && form.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    ev.preventDefault();
  }
});

document.addEventListener("click", function (ev) {
  // <a data-back> goes back in history when there is one.
  var a = ev.target.closest && ev.target.closest("a[data-back]");
  if (a && window.history.length > 1) {
    ev.preventDefault();
    window.history.back();
  }
});
