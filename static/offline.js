/* Offline entry on every page of a signed-in person (the layout loads this only for them;
 * docs/reporting.md, "Nhập khi mất mạng"):
 *   - registers the service worker (/sw.js), which keeps the pages of their work;
 *   - keeps this person's drafts on the phone in IndexedDB, one database per person
 *     ("suotdoi-<username>"): "drafts" (what is typed, saved while typing) and "outbox"
 *     (saves that could not reach the server), both keyed "<campaign>/<unit code>";
 *   - sends the outbox through the JSON API on every page load, when the network comes
 *     back and every 30 s while something waits, and says "N báo cáo chưa gửi";
 *   - on a shared phone: signing out deletes this person's drafts and kept pages, and a page
 *     of another person deletes the previous person's.
 * window.suotdoiOffline is what report.js uses. Without this script nothing of it happens
 * and the forms post as they always did. */
(function () {
  "use strict";
  var tag = document.getElementById("offline-js");
  var user = tag && tag.getAttribute("data-user");
  if (!user || !window.indexedDB || !window.Promise) return;
  var DB = "suotdoi-" + user, PAGES = "suotdoi-pages", OWNER = "suotdoi.owner";
  var RETRY_MS = 30000, SEND_MS = 20000;
  var OFF = window.suotdoiOffline = {user: user, listeners: {}};

  function open() {
    return new Promise(function (ok, fail) {
      var r = indexedDB.open(DB, 1);
      r.onupgradeneeded = function () {
        r.result.createObjectStore("drafts");
        r.result.createObjectStore("outbox");
      };
      r.onsuccess = function () {
        r.result.onversionchange = function () { r.result.close(); };
        ok(r.result);
      };
      r.onerror = function () { fail(r.error); };
    });
  }
  /* one transaction on one store; the database is closed after it, so a sign-out's
   * deleteDatabase is never blocked by this page */
  function tx(store, mode, fn) {
    return open().then(function (db) {
      return new Promise(function (ok, fail) {
        var t = db.transaction(store, mode), out;
        var r = fn(t.objectStore(store));
        if (r) r.onsuccess = function () { out = r.result; };
        t.oncomplete = function () { db.close(); ok(out); };
        t.onerror = t.onabort = function () { db.close(); fail(t.error); };
      });
    });
  }
  OFF.get = function (store, key) {
    return tx(store, "readonly", function (s) { return s.get(key); });
  };
  OFF.put = function (store, key, val) {
    return tx(store, "readwrite", function (s) { s.put(val, key); });
  };
  OFF.del = function (store, key) {
    return tx(store, "readwrite", function (s) { s.delete(key); });
  };
  OFF.all = function (store) {
    return tx(store, "readonly", function (s) { return s.getAll(); });
  };

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  /* "14:05", or with the day "14:05 03/12/2026" */
  OFF.time = function (ms, day) {
    var d = new Date(ms), t = pad(d.getHours()) + ":" + pad(d.getMinutes());
    return day ? t + " " + pad(d.getDate()) + "/" + pad(d.getMonth() + 1) + "/" + d.getFullYear() : t;
  };

  function csrf() {
    var i = document.querySelector("input[name=csrf]");
    return i ? i.value : "";
  }
  function post(url, body) {
    var ctl = window.AbortController ? new AbortController() : null;
    var timer = ctl ? setTimeout(function () { ctl.abort(); }, SEND_MS) : 0;
    return fetch(url, {
      method: "POST", credentials: "same-origin", signal: ctl ? ctl.signal : undefined,
      headers: {"Content-Type": "application/json", "X-CSRF-Token": csrf()},
      body: JSON.stringify(body)
    }).then(function (r) { clearTimeout(timer); return r; },
            function (e) { clearTimeout(timer); throw e; });
  }
  function json(r) {
    return r.json().catch(function () { return {}; });
  }
  function message(data, fallback) {
    return data && data.error && data.error.message ? data.error.message : fallback;
  }
  var EDITABLE = {none: 1, draft: 1, returned: 1, reopened: 1};

  /* Send one outbox entry. Resolves to {kind, ...}:
   *   sent     {report}: stored; the entry is gone
   *   network  nothing reached the server (no network, timeout, 5xx): kept, sent again later
   *   auth     401: kept, sent again on a page load (after signing in again)
   *   invalid  {message, fields}: 400/403/422, kept until the person saves again
   *   conflict {server}: the report changed since entry.version; the person chooses
   *   locked   {message}: 409, the report cannot be edited now (submitted, approved, closed)
   * The entry's "hold" remembers all but network, so that a 4xx is never sent in a loop. */
  var busy = {};
  /* the outbox's entry for key changed, if it is still the one saved at "at" (a newer save
   * of the same form is never dropped or overwritten by the answer to an older one) */
  function ifSame(key, at, fn) {
    return tx("outbox", "readwrite", function (s) {
      var r = s.get(key);
      r.onsuccess = function () { if (r.result && r.result.at === at) fn(s); };
    });
  }
  OFF.send = function (key, e) {
    var b = busy[key];
    if (b) return b.at === e.at ? b.p : b.p.then(function () { return OFF.send(key, e); });
    var p = navigator.onLine === false ? Promise.resolve({kind: "network"})
      : post(e.api, e.body).then(function (r) {
        return json(r).then(function (data) {
          if (r.ok) return {kind: "sent", report: data};
          if (r.status === 401) return {kind: "auth"};
          if (r.status === 409) return conflictOrLocked(e, data);
          if (r.status >= 500) return {kind: "network"};
          var fields = data && data.error && data.error.fields || {}, n = Object.keys(fields).length;
          return {kind: "invalid", fields: fields, message: n
            ? "Có " + n + " mục chưa hợp lệ (ghi ngay dưới từng mục). Chưa có gì được lưu."
            : message(data, "Máy chủ không nhận bản nháp (" + r.status + ").")};
        });
      }, function () { return {kind: "network"}; });
    p = p.then(function (res) {
      var done = null;
      if (res.kind === "sent")
        done = ifSame(key, e.at, function (s) { s.delete(key); });
      else if (res.kind !== "network" && e.hold !== res.kind) {
        e.hold = res.kind;
        e.message = res.message || "";
        done = ifSame(key, e.at, function (s) { s.put(e, key); });
      }
      return Promise.resolve(done).catch(function () {}).then(function () {
        delete busy[key];
        return res;
      });
    });
    busy[key] = {at: e.at, p: p};
    return p;
  };
  function conflictOrLocked(e, data) {
    var locked = {kind: "locked", message: message(data, "Báo cáo đang bị khóa, không sửa được.")};
    return fetch(e.api, {credentials: "same-origin"}).then(function (r) {
      if (!r.ok) return locked;
      return r.json().then(function (server) {
        return EDITABLE[server.status] && server.version !== e.version
          ? {kind: "conflict", server: server} : locked;
      });
    }, function () { return {kind: "network"}; });
  }

  /* "N báo cáo chưa gửi" at the top of every page while the outbox holds something */
  function banner(entries) {
    var el = document.getElementById("offline-outbox");
    if (!entries.length) {
      if (el) el.parentNode.removeChild(el);
      return;
    }
    if (!el) {
      var main = document.querySelector("main");
      if (!main) return;
      el = document.createElement("div");
      el.id = "offline-outbox";
      el.className = "msg warn";
      el.setAttribute("role", "status");
      main.insertBefore(el, main.firstChild);
    }
    el.textContent = entries.length + " báo cáo chưa gửi (lưu trên máy): ";
    entries.forEach(function (e, i) {
      var a = document.createElement("a");
      a.href = e.url;
      a.textContent = e.label || e.url;
      if (i) el.appendChild(document.createTextNode(" · "));
      el.appendChild(a);
    });
  }

  var timer = 0;
  OFF.sync = function () {
    clearTimeout(timer);
    return OFF.all("outbox").then(function (entries) {
      return Promise.all(entries.map(function (e) {
        var key = e.key;
        if (e.hold && e.hold !== "auth") return {kind: e.hold};
        return OFF.send(key, e).then(function (res) {
          if (OFF.listeners[key]) OFF.listeners[key](res, e);
          return res;
        });
      }));
    }).then(function (results) {
      if (results.some(function (r) { return r.kind === "network"; }))
        timer = setTimeout(OFF.sync, RETRY_MS);
      return OFF.all("outbox");
    }).then(banner).catch(function () {});
  };

  /* deletes this person's drafts and kept pages (sign-out), or another person's */
  function wipe(who) {
    var jobs = [window.caches ? caches.delete(PAGES) : null];
    jobs.push(new Promise(function (ok) {
      var r = indexedDB.deleteDatabase("suotdoi-" + who);
      r.onsuccess = r.onerror = r.onblocked = function () { ok(); };
    }));
    return Promise.all(jobs);
  }
  function others() {
    var prev = localStorage.getItem(OWNER);
    localStorage.setItem(OWNER, user);
    if (prev === null || prev === user) return Promise.resolve(false);
    var jobs = [wipe(prev)];
    if (indexedDB.databases)
      jobs.push(indexedDB.databases().then(function (list) {
        return Promise.all(list.map(function (d) {
          return d.name.indexOf("suotdoi-") === 0 && d.name !== DB ? wipe(d.name.slice(8)) : null;
        }));
      }));
    return Promise.all(jobs).then(function () { return true; });
  }

  /* The activities and photos this person kept offline (static/photo.js's "sd-activities",
   * records tagged with the user's id, <body data-user>). mine(false) counts them, mine(true)
   * deletes them (sdActivitiesClear where photo.js is loaded, else the same deletion here).
   * Another person's records stay (they are theirs). Resolves to the count (0 on any error:
   * the phone may have no such store). */
  function mine(remove) {
    var id = document.body.getAttribute("data-user");
    if (!id) return Promise.resolve(0);
    if (remove && window.sdActivitiesClear)
      return window.sdActivitiesClear(id).then(function () { return 0; }, function () { return 0; });
    return new Promise(function (ok) {
      var rq = indexedDB.open("sd-activities"), n = 0;
      rq.onupgradeneeded = function () { rq.transaction.abort(); }; /* none kept here */
      rq.onerror = function () { ok(0); };
      rq.onsuccess = function () {
        var db = rq.result, t;
        try {
          t = db.transaction(["queue", "photos"], remove ? "readwrite" : "readonly");
        } catch (e) { db.close(); ok(0); return; }
        ["queue", "photos"].forEach(function (s) {
          var idx = t.objectStore(s).index("user");
          if (!remove) {
            var c = idx.count(id);
            c.onsuccess = function () { n += c.result; };
            return;
          }
          var cur = idx.openCursor(id);
          cur.onsuccess = function () {
            if (cur.result) { cur.result.delete(); cur.result.continue(); }
          };
        });
        t.oncomplete = t.onerror = t.onabort = function () { db.close(); ok(n); };
      };
    });
  }

  /* What signing out would delete from this phone, in words; "" when nothing is unsent. */
  function unsentWords(reports, activities) {
    var parts = [];
    if (reports) parts.push(reports + " báo cáo");
    if (activities) parts.push(activities + " hoạt động, ảnh");
    return parts.join(" và ");
  }

  function signOut(ev) {
    var form = ev.target;
    if (!form.matches || !form.matches("form[action='/logout'], form[action='/account/logout-all']")) return;
    ev.preventDefault();
    Promise.all([OFF.all("outbox").catch(function () { return []; }), mine(false)]).then(function (c) {
      var what = unsentWords(c[0].length, c[1]);
      if (what && !window.confirm(what + " chưa gửi được lên máy chủ sẽ bị xóa khỏi điện thoại khi đăng xuất. Vẫn đăng xuất?"))
        return;
      Promise.all([wipe(user), mine(true)]).then(function () {
        localStorage.removeItem(OWNER);
        form.submit();
      });
    });
  }

  var wiped = others().catch(function () { return false; });
  var ready = wiped.then(function () {});
  OFF.ready = ready;
  document.addEventListener("submit", signOut);
  window.addEventListener("online", function () { OFF.sync(); });
  document.addEventListener("DOMContentLoaded", function () {
    ready.then(function () { return OFF.pageReady; }).then(OFF.sync);
  });
  if (navigator.serviceWorker) {
    var first = !navigator.serviceWorker.controller; /* this page did not come through it */
    navigator.serviceWorker.register("/sw.js").catch(function () {});
    /* kept again after the previous person's pages were deleted, too */
    Promise.all([navigator.serviceWorker.ready, wiped]).then(function (a) {
      if ((first || a[1]) && a[0].active) {
        /* and its scripts and style sheet, which did not come through the worker either */
        var assets = [], els = document.querySelectorAll("script[src], link[rel=stylesheet]");
        for (var i = 0; i < els.length; i++) {
          var u = new URL(els[i].src || els[i].href, location.href);
          if (u.origin === location.origin) assets.push(u.pathname + u.search);
        }
        a[0].active.postMessage({keep: location.pathname + location.search, assets: assets});
      }
    });
  }
})();
