// spotcheck — the live compliance panel of the plan form: when the form
// changes, it is posted to the plan's JSON check (the same check as on
// saving and publishing) and the findings are shown. Plain JavaScript; the
// form works without it.
"use strict";

(function () {
  var form = document.querySelector("form[data-plan-check]");
  var panel = document.getElementById("plan-findings");
  if (!form || !panel) {
    return;
  }
  var timer = null;
  var seq = 0;

  function show(findings) {
    panel.textContent = "";
    if (findings.length === 0) {
      var ok = document.createElement("p");
      ok.className = "flash";
      ok.textContent = "符合规定：未发现问题。";
      panel.appendChild(ok);
      return;
    }
    var head = document.createElement("p");
    head.className = "error";
    head.textContent = "发现 " + findings.length + " 项不符合规定，计划不能发布：";
    panel.appendChild(head);
    var table = document.createElement("table");
    table.className = "grid";
    findings.forEach(function (f) {
      var tr = table.insertRow();
      [f.rule_name, f.where, f.message].forEach(function (text, i) {
        var td = tr.insertCell();
        td.textContent = text;
        if (i === 0) {
          td.title = f.rule;
        } else if (i === 1) {
          td.className = "code";
        }
      });
    });
    panel.appendChild(table);
    // A table wider than a phone's screen scrolls and must be a tab stop
    // (app.js).
    if (typeof markScrollingTables === "function") {
      markScrollingTables();
    }
  }

  function check() {
    var mine = ++seq;
    fetch(form.getAttribute("data-plan-check"), {
      method: "POST",
      body: new URLSearchParams(new FormData(form)),
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (res) {
      return res.ok ? res.json() : null;
    }).then(function (data) {
      if (data && mine === seq) {
        show(data.findings || []);
      }
    }).catch(function () { /* the check shows again on saving */ });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  }
  form.addEventListener("input", later);
  form.addEventListener("change", later);
  check();
})();
