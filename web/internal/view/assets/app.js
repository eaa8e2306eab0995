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

// On a phone a table wider than the screen scrolls sideways (style.css).
// Keyboard users must reach it to scroll it with the arrow keys (WCAG 2.0
// 2.1.1), so such a table is a tab stop, and only while it scrolls.
function markScrollingTables() {
  document.querySelectorAll("table.grid").forEach(function (table) {
    if (table.scrollWidth > table.clientWidth + 1) {
      table.tabIndex = 0;
    } else {
      table.removeAttribute("tabindex");
    }
  });
}
document.addEventListener("DOMContentLoaded", markScrollingTables);
window.addEventListener("resize", markScrollingTables);
