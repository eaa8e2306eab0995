// spotcheck — the service worker of the inspection pages (issue 11,
// item 7), served at /sw.js and registered for /staff/ by offline.js.
//
// It keeps the inspection pages (/staff/inspections and
// /staff/inspections/{id}) as they were last seen online, and the assets
// the pages use, so that an inspector who loses the signal on site can
// still open and reload the page of the visit; what they record then is
// kept by offline.js in IndexedDB and sent when the network is back. It
// never answers a POST and never keeps any other page: every other
// request goes to the network as if there were no worker.
//
// Pages: network first — a page that loads is stored (only a 200 that was
// not redirected, so that a sign-in page is never stored in place of an
// inspection), and the stored copy is served only when the network
// fails. Assets have content-hashed URLs, so a stored copy is always
// right: cache first.
"use strict";

var PAGES = "spotcheck-pages-v1";
var ASSETS = "spotcheck-assets-v1";
var PAGE = /^\/staff\/inspections(\/\d+)?$/;

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (ev) {
  ev.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) {
      return n.indexOf("spotcheck-") === 0 && n !== PAGES && n !== ASSETS;
    }).map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }));
});

// offlinePage answers a page that was never stored.
function offlinePage() {
  var html = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>网络不可用</title></head>" +
    "<body><main><h1>网络不可用</h1><p>此页面尚未在本机保存。请在有网络时打开一次检查记录页面，之后离线也可查看和录入。</p>" +
    "<p><a href=\"/staff/inspections?mine=1\">我的检查</a></p></main></body></html>";
  return new Response(html, {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
}

self.addEventListener("fetch", function (ev) {
  var req = ev.request;
  if (req.method !== "GET") {
    return;
  }
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) {
    return;
  }
  if (url.pathname.indexOf("/assets/") === 0) {
    ev.respondWith(caches.open(ASSETS).then(function (c) {
      return c.match(req).then(function (hit) {
        return hit || fetch(req).then(function (res) {
          if (res.ok) {
            c.put(req, res.clone());
          }
          return res;
        });
      });
    }));
    return;
  }
  if (req.mode !== "navigate" || !PAGE.test(url.pathname)) {
    return;
  }
  // A page is stored under its path: ?flash= and the list's filters
  // do not make another copy.
  var key = url.origin + url.pathname;
  ev.respondWith(fetch(req).then(function (res) {
    if (res.status === 200 && !res.redirected) {
      var copy = res.clone();
      caches.open(PAGES).then(function (c) { return c.put(key, copy); });
    }
    return res;
  }).catch(function () {
    return caches.open(PAGES).then(function (c) {
      return c.match(key);
    }).then(function (hit) { return hit || offlinePage(); });
  }));
});
