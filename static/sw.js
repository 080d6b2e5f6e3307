/* The service worker of offline entry (docs/reporting.md, "Nhập khi mất mạng"). Served at
 * /sw.js behind a generated head that sets SW_VERSION and SW_ASSETS (the hashed URLs of
 * static/*.js and *.css): a new deployment is a new worker.
 *   - /static/ URLs with "?v=<hash>" never change: cache first.
 *   - Page navigations of the signed-in person's work (home, a results form, anything under
 *     /units/) go to the network first; after 4 s, or when the network fails, the copy kept
 *     of the same URL is shown, else a page saying there is no network.
 *   - Only pages that carry the signed-in layout (the offline.js script tag) are kept;
 *     never /api/, never an answer to a POST. offline.js deletes the kept pages on sign-out
 *     and when another person signs in on the phone.
 * A page shown before the worker took over (the first visit) is fetched again to be kept
 * when offline.js asks. A form POST that cannot reach the server gets the same "no network" page instead of the
 * browser's error. */
/* global SW_VERSION, SW_ASSETS */
"use strict";

var STATIC = "suotdoi-static";
var PAGES = "suotdoi-pages";
var WAIT_MS = 4000;
var KEPT = [/^\/$/, /^\/campaigns\/\d+\/units\/[^/]+\/report$/, /^\/units\//];
var POSTS = /^\/campaigns\/\d+\/units\/[^/]+\/(report|submit)$/;
var MARK = 'id="offline-js"';

self.addEventListener("install", function (e) {
  /* one by one: an asset that fails now is fetched when a page asks for it, and the worker
   * installs all the same */
  e.waitUntil(caches.open(STATIC).then(function (c) {
    return Promise.all(SW_ASSETS.map(function (u) { return c.add(u).catch(function () {}); }));
  }).then(function () { return self.skipWaiting(); }));
});

/* keep one version of each asset: the current one */
self.addEventListener("activate", function (e) {
  var current = {};
  SW_ASSETS.forEach(function (u) { current[u] = 1; });
  e.waitUntil(caches.open(STATIC).then(function (c) {
    return c.keys().then(function (reqs) {
      return Promise.all(reqs.map(function (r) {
        var u = new URL(r.url);
        return current[u.pathname + u.search] ? null : c.delete(r);
      }));
    });
  }).then(function () { return self.clients.claim(); }));
});

function offlinePage(post) {
  var what = post
    ? "<p>Chưa gửi được vì điện thoại đang không có mạng. Hãy bấm <strong>Quay lại</strong>: các ô đã nhập vẫn được giữ trên máy; khi có mạng hãy gửi lại.</p>"
    : "<p>Điện thoại đang không có mạng và trang này chưa được lưu trên máy. Các trang đã mở khi có mạng (trang chủ, báo cáo kết quả, hoạt động của đơn vị) vẫn xem và nhập được.</p>";
  var html = "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\">" +
    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">" +
    "<title>Không có mạng · Tuần lễ học tập suốt đời</title>" +
    "<style>body{font:16px/1.5 system-ui,sans-serif;margin:1rem;color:#222}h1{font-size:1.3rem;color:#b3261e}</style>" +
    "</head><body><h1>Không có mạng…</h1>" + what +
    "<p><a href=\"/\">Về trang chủ</a></p></body></html>";
  return new Response(html, {status: 503, headers: {"Content-Type": "text/html; charset=utf-8"}});
}

function kept(url) {
  for (var i = 0; i < KEPT.length; i++)
    if (KEPT[i].test(url.pathname)) return true;
  return false;
}

/* the page's copy, else the same page without its query ("?done=saved") */
function fromCache(url) {
  return caches.open(PAGES).then(function (c) {
    return c.match(url.href).then(function (r) {
      return r || (url.search ? c.match(url.origin + url.pathname) : r);
    });
  });
}

/* a signed-in person's page (the layout's offline.js tag): kept, as plain HTML */
function keep(url, resp) {
  if (resp.status !== 200 || resp.redirected || resp.type !== "basic") return Promise.resolve();
  if (/[?&](done|prefill)=/.test(url.search)) return Promise.resolve();
  return resp.clone().text().then(function (html) {
    if (html.indexOf(MARK) < 0) return null;
    return caches.open(PAGES).then(function (c) {
      return c.put(url.href, new Response(html, {headers: {"Content-Type": "text/html; charset=utf-8"}}));
    });
  });
}

function navigate(e, url) {
  var net = fetch(e.request);
  var saved = kept(url) ? net.then(function (r) { return keep(url, r); }).catch(function () {}) : null;
  if (saved) e.waitUntil(saved);
  return new Promise(function (resolve) {
    var done = false;
    function give(r) { if (!done) { done = true; resolve(r); } }
    function fallback() {
      return fromCache(url).then(function (r) { if (r) give(r); return r; });
    }
    var timer = setTimeout(fallback, WAIT_MS); /* slow link: the copy, if there is one */
    net.then(function (r) { clearTimeout(timer); give(r); }, function () {
      clearTimeout(timer);
      fallback().then(function (r) { if (!r) give(offlinePage(false)); });
    });
  });
}

/* a page shown before this worker controlled it (the first visit): offline.js asks for it
 * to be kept like the pages that come through here */
self.addEventListener("message", function (e) {
  var d = e.data || {};
  if (typeof d.keep !== "string") return;
  var url = new URL(d.keep, self.location.origin);
  if (url.origin !== self.location.origin || !kept(url)) return;
  e.waitUntil(fetch(url.href, {credentials: "same-origin"}).then(function (r) {
    return keep(url, r);
  }).catch(function () {}));
});

self.addEventListener("fetch", function (e) {
  var req = e.request, url = new URL(req.url);
  if (url.origin !== self.location.origin || url.pathname.indexOf("/api/") === 0) return;
  if (req.method === "POST") {
    if (req.mode === "navigate" && POSTS.test(url.pathname))
      e.respondWith(fetch(req).catch(function () { return offlinePage(true); }));
    return;
  }
  if (req.method !== "GET") return;
  if (req.mode === "navigate") {
    e.respondWith(navigate(e, url));
    return;
  }
  if (url.pathname.indexOf("/static/") === 0 && /[?&]v=/.test(url.search)) {
    e.respondWith(caches.open(STATIC).then(function (c) {
      return c.match(req).then(function (hit) {
        if (hit) return hit;
        return fetch(req).then(function (r) {
          if (r.ok) c.put(req, r.clone());
          return r;
        }, function () {
          /* an older page names an older version: any version is better than none */
          return c.match(req, {ignoreSearch: true}).then(function (old) {
            return old || Response.error();
          });
        });
      });
    }));
  }
});
