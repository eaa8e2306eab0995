// spotcheck — offline drafts of an inspection (issue 11, item 7).
//
// On the inspection pages this script registers the service worker
// (sw.js, which keeps the pages for when the signal is gone) and keeps
// what the inspector records on the phone, in IndexedDB, until the
// server has it:
//
//   * every change of the recording form is kept at once as the page's
//     draft ("editing"), and put back into the form when the page is
//     opened again — after a reload without network too;
//   * 保存 queues the form as a submission ("queued") with an
//     idempotency key chosen once for it, and sends it when the network
//     is there: now, or on the "online" event, or at the next opening of
//     the page. A photo chosen while offline is queued the same way and
//     uploaded first. The server records the key in the transaction of
//     the save (store/idempotency.go), so a submission that is sent again
//     — its answer lost, two tabs, a retry — is applied once;
//   * the steps' forms (confirm, submit, approve, return, reject) get a
//     key of their own, so a double tap is one step.
//
// A queued submission leaves the phone only when the server has answered
// it: a save that arrives is followed by the page of the inspection (a
// redirect to it); a refused one is sent once more as an ordinary form,
// so that the page shows why, with what was typed; a network error keeps
// it for the next try. Nothing here decides a rule: the server checks
// everything again.
"use strict";

(function () {
  var STEP = /^\/staff\/inspections\/(\d+)\/(save|confirm|submit|approve|return|reject|evidence)$/;
  var PAGES = "spotcheck-pages-v1";
  var ASSETS = "spotcheck-assets-v1";
  var match = location.pathname.match(/^\/staff\/inspections\/(\d+)$/);
  var inspection = match ? match[1] : "";

  // newKey returns 128 random bits in hex (Submission.Key's alphabet).
  function newKey() {
    var b = new Uint8Array(16);
    crypto.getRandomValues(b);
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }

  // The service worker, and what it could not see yet: the first page
  // that registers it was loaded before it was there.
  function keepCopy(cache, url) {
    return caches.open(cache).then(function (c) {
      return c.match(url).then(function (hit) {
        if (hit) { return; }
        return fetch(url, {credentials: "same-origin"}).then(function (res) {
          if (res.status === 200 && !res.redirected) { return c.put(url, res); }
        });
      });
    }).catch(function () {});
  }
  if ("serviceWorker" in navigator && window.caches) {
    navigator.serviceWorker.register("/sw.js", {scope: "/staff/"}).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function () {
      if (!navigator.onLine) { return; }
      document.querySelectorAll("script[src^='/assets/'], link[rel=stylesheet][href^='/assets/']").forEach(function (el) {
        keepCopy(ASSETS, location.origin + (el.getAttribute("src") || el.getAttribute("href")));
      });
      keepCopy(PAGES, location.origin + location.pathname);
    }).catch(function () {});
  }

  // Signing out forgets the pages kept for offline use (never the drafts
  // not sent yet: those are the inspector's work).
  document.addEventListener("submit", function (ev) {
    if (ev.target.getAttribute("action") === "/logout" && window.caches) {
      caches.delete(PAGES);
    }
  }, true);

  // Every step form gets its idempotency key.
  function keyForms() {
    document.querySelectorAll("form[action]").forEach(function (f) {
      var m = (f.getAttribute("action") || "").match(STEP);
      if (!m || m[2] === "evidence" || f.querySelector("input[name=idempotency_key]")) { return; }
      var k = document.createElement("input");
      k.type = "hidden";
      k.name = "idempotency_key";
      k.value = newKey();
      f.appendChild(k);
    });
  }
  keyForms();

  var onList = location.pathname === "/staff/inspections";
  if (!(inspection || onList) || !window.indexedDB) {
    return;
  }

  // The outbox: one record per inspection ("draft:{id}": the form being
  // edited, and the save queued to be sent) and one per queued photo
  // ("photo:{key}").
  function open() {
    return new Promise(function (resolve, reject) {
      var req = indexedDB.open("spotcheck-offline", 1);
      req.onupgradeneeded = function () { req.result.createObjectStore("outbox", {keyPath: "id"}); };
      req.onsuccess = function () { resolve(req.result); };
      req.onerror = function () { reject(req.error); };
    });
  }
  function tx(mode, fn) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction("outbox", mode);
        var out = fn(t.objectStore("outbox"));
        t.oncomplete = function () { db.close(); resolve(out instanceof IDBRequest ? out.result : out); };
        t.onerror = function () { db.close(); reject(t.error); };
      });
    });
  }
  function get(id) { return tx("readonly", function (s) { return s.get(id); }); }
  function put(rec) { return tx("readwrite", function (s) { s.put(rec); }); }
  function del(id) { return tx("readwrite", function (s) { s.delete(id); }); }
  function all() { return tx("readonly", function (s) { return s.getAll(); }); }
  function photos(insp) {
    return all().then(function (l) {
      return l.filter(function (r) { return r.kind === "photo" && r.inspection === insp; });
    });
  }
  // pending lists the inspections with something to send.
  function pending() {
    return all().then(function (l) {
      var ids = [];
      l.forEach(function (r) {
        if ((r.kind === "photo" || r.queued) && ids.indexOf(r.inspection) < 0) { ids.push(r.inspection); }
      });
      return ids;
    });
  }

  var draftID = "draft:" + inspection;
  var form = document.getElementById("inspection-form");

  // The status line says what is on the phone and not yet on the server,
  // and what the server refused while this page was not looking.
  var status = document.createElement("p");
  status.id = "offline-status";
  status.className = "offline-status";
  status.setAttribute("role", "status");
  var h1 = document.querySelector("h1");
  if (h1) { h1.parentNode.insertBefore(status, h1.nextSibling); }
  var NOTE = "spotcheck-offline-note";
  var note = sessionStorage.getItem(NOTE) || "";
  sessionStorage.removeItem(NOTE);
  function say(msg) {
    msg = [note, msg].filter(Boolean).join("；");
    status.textContent = msg;
    status.hidden = !msg;
  }
  function remember(msg) {
    if (note.indexOf(msg) >= 0) { return; }
    note = [note, msg].filter(Boolean).join("；");
    sessionStorage.setItem(NOTE, note);
  }

  function fields(f) {
    var out = [];
    new FormData(f).forEach(function (v, k) {
      if (k !== "from" && k !== "idempotency_key" && typeof v === "string") { out.push([k, v]); }
    });
    return out;
  }
  function fill(f, list) {
    Array.prototype.forEach.call(f.elements, function (el) {
      if (!el.name || el.name === "from" || el.name === "idempotency_key") { return; }
      var vals = list.filter(function (p) { return p[0] === el.name; }).map(function (p) { return p[1]; });
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = vals.indexOf(el.value) >= 0;
      } else if (el.tagName !== "BUTTON" && el.type !== "file") {
        el.value = vals.length ? vals[0] : "";
      }
    });
  }
  function time(ms) {
    var d = new Date(ms);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2);
  }

  function describe() {
    if (onList) {
      return pending().then(function (ids) {
        say(ids.length ? "本机有 " + ids.length + " 项检查记录的草稿或照片尚未提交；" +
          (navigator.onLine ? "正在提交…" : "联网后自动提交") : "");
      });
    }
    return Promise.all([get(draftID), photos(inspection)]).then(function (r) {
      var d = r[0], ps = r[1], parts = [];
      if (d && d.queued) {
        parts.push("检查记录已保存在本机（" + time(d.queued.at) + "），尚未提交到服务器");
      } else if (d && d.editing && !form) {
        parts.push("本机有尚未提交的录入内容，但检查记录当前不能修改");
      } else if (d && d.refused) {
        parts.push("本机保存的草稿提交未通过，已放回表单，请核对后重新保存");
      }
      if (ps.length) { parts.push("待上传照片 " + ps.length + " 张"); }
      if (d && d.queued || ps.length) { parts.push(navigator.onLine ? "正在提交…" : "联网后自动提交"); }
      say(parts.join("；"));
    });
  }

  // What the inspector types is kept at once.
  var typing = null, edits = 0;
  function keep() {
    clearTimeout(typing);
    var mine = ++edits;
    typing = setTimeout(function () {
      get(draftID).then(function (d) {
        if (mine !== edits) { return; } // saved (or typed on) meanwhile
        d = d || {id: draftID, kind: "draft", inspection: inspection};
        d.editing = fields(form);
        return put(d);
      });
    }, 200);
  }

  // message reads the reason of a refusal from the page the server
  // answered with.
  function message(res) {
    return res.text().then(function (html) {
      var el = new DOMParser().parseFromString(html, "text/html").querySelector("#inspection-message, .error");
      return el ? el.textContent.trim() : "HTTP " + res.status;
    });
  }

  // sendOne sends what the phone keeps for inspection insp — photos
  // first, then the queued save — and returns the URL of the page the
  // last arrival was answered with ("" for none). A submission that
  // does not reach the server stays for the next try; one the server
  // refused is not sent again by itself: a photo it refused (type, size)
  // is dropped, with its reason shown; a refused save goes back into the
  // form, and on its own page is posted once more as an ordinary form,
  // so that the page shows why.
  function sendOne(insp) {
    var base = "/staff/inspections/" + insp, arrived = "";
    // A send that arrived ends on the inspection's page (a sign-in page,
    // after a session ended meanwhile, does not).
    var landed = function (res) { return res.ok && res.redirected && new URL(res.url).pathname === base; };
    return photos(insp).then(function (ps) {
      return ps.reduce(function (p, ph) {
        return p.then(function () {
          var body = new FormData();
          body.append("file", ph.file, ph.name);
          return fetch(base + "/evidence", {method: "POST", body: body, credentials: "same-origin"}).then(function (res) {
            if (landed(res)) {
              arrived = res.url;
              return del(ph.id);
            }
            if (res.status === 400) {
              return message(res).then(function (m) {
                remember("照片“" + ph.name + "”未能上传：" + m);
                return del(ph.id);
              });
            }
          });
        });
      }, Promise.resolve());
    }).then(function () {
      return get("draft:" + insp);
    }).then(function (d) {
      if (!d || !d.queued) { return; }
      var q = d.queued;
      q.tried = true;
      return put(d).then(function () {
        var body = new URLSearchParams();
        q.fields.forEach(function (p) { body.append(p[0], p[1]); });
        body.append("from", q.from);
        body.append("idempotency_key", q.key);
        return fetch(base + "/save", {method: "POST", body: body, credentials: "same-origin"});
      }).then(function (res) {
        if (landed(res)) {
          arrived = res.url; // with the page's flash
          d.queued = null;
          return d.editing ? put(d) : del(d.id);
        }
        if (res.ok) {
          // Answered by another page — the sign-in page, when the session
          // ended meanwhile: kept for after signing in.
          remember("本机草稿尚未提交：请确认已登录（登录后打开此检查记录即自动提交）");
          return;
        }
        if (res.status >= 400 && res.status < 500) {
          d.queued = null;
          d.editing = q.fields;
          d.refused = true;
          return put(d).then(function () {
            if (insp === inspection && form) { post(q); }
          });
        }
      });
    }).then(function () { return arrived; });
  }

  var sending = false;
  function send() {
    if (sending || !navigator.onLine) { return Promise.resolve(); }
    sending = true;
    var ids = inspection ? Promise.resolve([inspection]) : pending();
    return ids.then(function (l) {
      return l.reduce(function (p, id) {
        return p.then(function (urls) {
          return sendOne(id).then(function (u) { return u ? urls.concat([u]) : urls; });
        });
      }, Promise.resolve([]));
    }).then(function (urls) {
      sending = false;
      if (urls.length) {
        // The page as the server has it now.
        location.replace(inspection ? urls[urls.length - 1] : location.href);
      } else {
        describe();
      }
    }, function () {
      sending = false;
      describe();
    });
  }

  // post sends submission q as an ordinary form, for the page's answer.
  function post(q) {
    fill(form, q.fields);
    form.querySelector("input[name=from]").value = q.from;
    form.querySelector("input[name=idempotency_key]").value = q.key;
    HTMLFormElement.prototype.submit.call(form);
  }

  if (form) {
    form.addEventListener("input", keep);
    form.addEventListener("change", keep);
    form.addEventListener("submit", function (ev) {
      if (ev.defaultPrevented) { return; }
      ev.preventDefault();
      clearTimeout(typing);
      edits++;
      get(draftID).then(function (d) {
        d = d || {id: draftID, kind: "draft", inspection: inspection};
        // A submission not yet tried keeps its key; one that may have
        // arrived is not changed: this is a new one.
        var key = d.queued && !d.queued.tried ? d.queued.key : newKey();
        d.queued = {key: key, from: form.querySelector("input[name=from]").value, fields: fields(form), at: Date.now()};
        d.editing = null;
        d.refused = false;
        return put(d);
      }).then(function () {
        return describe();
      }).then(send);
    });
  }

  // A photo chosen without network is queued; with network the form
  // uploads it as usual.
  document.addEventListener("submit", function (ev) {
    var f = ev.target;
    if (f.id !== "evidence-form" || navigator.onLine || ev.defaultPrevented) { return; }
    var input = f.querySelector("input[type=file]");
    var file = input && input.files && input.files[0];
    if (!file) { return; }
    ev.preventDefault();
    put({id: "photo:" + newKey(), kind: "photo", inspection: inspection, file: file, name: file.name, at: Date.now()})
      .then(function () { input.value = ""; return describe(); });
  });

  get(draftID).then(function (d) {
    if (form && d && (d.editing || d.queued)) {
      fill(form, d.editing || d.queued.fields);
    }
    return describe();
  }).then(send);
  window.addEventListener("online", send);
  window.addEventListener("offline", describe);
})();
