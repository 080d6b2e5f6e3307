/* The results form: group totals kept current as one types, and offline entry (with
 * offline.js, docs/reporting.md "Nhập khi mất mạng"): what is typed is kept on the phone
 * while typing; "Lưu bản nháp" goes through the JSON API and, without a signal, waits on the
 * phone ("Chưa gửi — sẽ tự gửi khi có mạng") until it can be sent; when the report changed
 * on the server meanwhile, both are shown and the person chooses. The form works without
 * this script: it posts as a plain form and the server shows the same totals. */
(function () {
  "use strict";
  function parse(v) {
    v = v.replace(/[.\s\u00a0]/g, "");
    return /^\d{1,15}$/.test(v) ? parseInt(v, 10) : 0;
  }
  function fmt(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ".");
  }
  function update(table) {
    var rows = table.querySelectorAll("tbody tr"), head = null, sums = {}, order = [];
    function flush() {
      if (!head) return;
      var out = head.querySelector(".group-total");
      if (out && order.length) {
        out.textContent = "Tổng: " + order.map(function (u) { return fmt(sums[u]) + " " + u; }).join(", ");
      }
    }
    for (var i = 0; i < rows.length; i++) {
      var tr = rows[i];
      if (tr.classList.contains("heading")) {
        flush();
        head = tr; sums = {}; order = [];
        continue;
      }
      var input = tr.querySelector("input[data-unit]");
      if (!head || !input || !input.dataset.unit) continue;
      var u = input.dataset.unit;
      if (!(u in sums)) { sums[u] = 0; order.push(u); }
      sums[u] += parse(input.value);
    }
    flush();
  }
  var tables = document.querySelectorAll("table.entry");
  function updateAll() {
    for (var t = 0; t < tables.length; t++) update(tables[t]);
  }
  for (var t = 0; t < tables.length; t++) {
    (function (table) {
      table.addEventListener("input", function () { update(table); });
    })(tables[t]);
  }

  /* ---- offline entry ---- */
  var OFF = window.suotdoiOffline;
  var form = document.querySelector("form.report");
  var saveBtn = form && form.querySelector(".actions button:not([formaction])");
  var submitBtn = form && form.querySelector(".actions button[formaction]");
  var m = form && /^\/campaigns\/(\d+)\/units\/([^/]+)\/report$/.exec(form.getAttribute("action"));
  if (!OFF || !m) return;
  var editable = !!saveBtn; /* a locked report's page still shows a draft waiting for it */
  var KEY = m[1] + "/" + decodeURIComponent(m[2]);
  var API = "/api/v1" + form.getAttribute("action");
  var PAGE = form.getAttribute("action");
  var FLASH = "suotdoi.flash";
  var versionInput = form.querySelector("input[name=version]");
  var fieldEls = Array.prototype.filter.call(form.elements, function (el) {
    return /^[vg]\./.test(el.name);
  });
  var title = document.querySelector("h1");

  function read() {
    var f = {};
    fieldEls.forEach(function (el) { f[el.name] = el.value; });
    return f;
  }
  function write(f) {
    fieldEls.forEach(function (el) { if (el.name in f) el.value = f[el.name]; });
    updateAll();
  }
  function same(a, b) {
    return fieldEls.every(function (el) { return (a[el.name] || "") === (b[el.name] || ""); });
  }
  function version() {
    var v = parseInt(versionInput.value, 10);
    return isNaN(v) ? 0 : v;
  }
  /* an item's name as the person sees it, with its group's ("Số người tham gia" is in
   * several groups) */
  function label(code) {
    var l = form.querySelector("label[for='f-" + code + "']");
    if (!l) return code;
    var name = l.textContent.replace(/^-\s*/, "").trim();
    var tr = l.closest && l.closest("tr");
    for (var h = tr && tr.previousElementSibling; h; h = h.previousElementSibling) {
      if (!h.classList.contains("heading")) continue;
      var g = h.querySelector("label"), t = g ? g.textContent.trim() : "";
      if (t.length > 48) t = t.slice(0, 47) + "…";
      return t ? t + " — " + name : name;
    }
    return name;
  }

  /* a count as the server's text_parse_int reads it: "1234", "1.234", "1 234"; anything
   * else is undefined (the server would refuse it: the person fixes it first) */
  function number(s) {
    s = s.replace(/^[ \t\r\n\u00a0\u202f\u2009]+|[ \t\r\n\u00a0\u202f\u2009]+$/g, "");
    if (s === "") return null;
    var r = /^([+-]?)(\d{1,15}|[1-9]\d{0,2}(?:\.\d{3})+|[1-9]\d{0,2}(?:[ \u00a0\u202f\u2009]\d{3})+)$/.exec(s);
    if (!r) return undefined;
    var digits = r[2].replace(/[. \u00a0\u202f\u2009]/g, "");
    if (digits.length > 15) return undefined;
    var n = parseInt(digits, 10);
    return r[1] === "-" ? -n : n;
  }
  /* The JSON API's body for the form's fields, typed as the template says (docs/api.md):
   * exactly what the form's POST stores. A textarea's line breaks are sent as CRLF, as a
   * browser posts them. Returns {body, bad: [item codes]}. */
  function toBody(f, ver) {
    var values = {}, notes = {}, bad = [];
    fieldEls.forEach(function (el) {
      var code = el.name.slice(2), v = f[el.name] || "";
      if (el.name.charAt(0) === "g") {
        if (v !== "") notes[code] = v;
      } else if (el.tagName === "SELECT") {
        values[code] = v === "" ? null : v === "1";
      } else if (el.tagName === "TEXTAREA") {
        values[code] = v === "" ? null : v.replace(/\r\n|\r/g, "\n");
      } else {
        var n = number(v);
        if (n === undefined) bad.push(code);
        else values[code] = n;
      }
    });
    return {body: {version: ver, values: values, notes: notes}, bad: bad};
  }

  /* ---- what the page says ---- */
  function box(id, cls, before) {
    var el = document.getElementById(id);
    if (!el) {
      el = document.createElement("div");
      el.id = id;
      el.setAttribute("role", "status");
      before.parentNode.insertBefore(el, before);
    }
    el.className = "msg " + cls;
    el.hidden = false;
    return el;
  }
  /* the state, above the form and beside its buttons */
  function say(cls, text) {
    [box("offline-state", cls, form)].concat(editable ? [box("offline-state-actions", cls, saveBtn.parentNode)] : [])
      .forEach(function (el) { el.textContent = text; });
  }
  function quiet(id) {
    var el = document.getElementById(id);
    if (el) el.parentNode.removeChild(el);
  }
  function fieldErrors(fields) {
    Array.prototype.forEach.call(form.querySelectorAll(".offline-err"), function (p) {
      p.parentNode.removeChild(p);
    });
    Object.keys(fields || {}).forEach(function (code) {
      var el = form.querySelector("[name='v." + code + "']") || form.querySelector("[name='g." + code + "']");
      if (!el) return;
      var p = document.createElement("p");
      p.className = "field-err offline-err";
      p.textContent = fields[code];
      el.parentNode.appendChild(p);
    });
  }
  var PENDING = "Chưa gửi — sẽ tự gửi khi có mạng";

  function show(res, e) {
    quiet("offline-conflict");
    switch (res.kind) {
    case "sent":
      quiet("offline-locked");
      fieldErrors({});
      if (res.report && typeof res.report.version === "number")
        versionInput.value = res.report.version;
      OFF.get("drafts", KEY).then(function (d) {
        if (d && (d.at <= e.at || same(d.fields, e.fields))) return OFF.del("drafts", KEY);
      });
      say("ok", "Đã gửi lúc " + OFF.time(Date.now()) + ": bản nháp đã được lưu trên máy chủ.");
      if (e.manual) { /* the server's page, with its warnings and totals */
        sessionStorage.setItem(FLASH, "Đã gửi lúc " + OFF.time(Date.now()) + ": bản nháp đã được lưu trên máy chủ.");
        location.replace(PAGE);
      } else if (window.caches) { /* the page kept for offline holds what was sent */
        fetch(PAGE, {credentials: "same-origin"}).then(function (r) {
          if (r.ok && !r.redirected)
            return caches.open("suotdoi-pages").then(function (c) { return c.put(PAGE, r); });
        }).catch(function () {});
      }
      break;
    case "network":
      say("warn", PENDING + " (lưu trên máy lúc " + OFF.time(e.at, true) + ").");
      break;
    case "auth":
      say("err", "Phiên đăng nhập đã hết hạn: hãy đăng nhập lại, bản nháp vẫn được giữ trên máy.");
      break;
    case "invalid":
      say("err", (res.message || e.message) + " Bản nháp vẫn được giữ trên máy; hãy sửa rồi bấm Lưu bản nháp.");
      fieldErrors(res.fields);
      break;
    case "locked":
      locked(res.message || e.message, e);
      break;
    case "conflict":
      conflict(res.server, e);
      break;
    }
  }

  /* ---- a save ---- */
  function queue(f, manual) {
    var b = toBody(f, version());
    if (b.bad.length) {
      var errs = {};
      b.bad.forEach(function (c) { errs[c] = label(c) + ": phải là số nguyên không âm (ví dụ 12)."; });
      return Promise.reject(errs);
    }
    var e = {key: KEY, url: PAGE, api: API, label: title ? title.textContent : PAGE,
             version: b.body.version, fields: f, body: b.body, at: Date.now()};
    return OFF.put("outbox", KEY, e).then(function () { return e; }, function () { return e; });
  }
  function send(e) {
    OFF.send(KEY, e).then(function (res) {
      show(res, e);
      OFF.sync(); /* the count on top, and a retry timer while offline */
    });
  }
  var clicked = null;
  if (editable) saveBtn.addEventListener("click", function () { clicked = saveBtn; });
  if (submitBtn) submitBtn.addEventListener("click", function () { clicked = submitBtn; });
  if (editable) form.addEventListener("submit", function (ev) {
    var which = clicked || saveBtn;
    clicked = null;
    autosave(true);
    if (which === submitBtn) {
      /* a submit needs the server: offline it is only kept as a draft to be saved */
      ev.preventDefault();
      if (navigator.onLine !== false) {
        /* the submit carries the form, so a save waiting for it is superseded (sent later,
         * it would only meet the lock) */
        var go = function () {
          form.setAttribute("action", submitBtn.getAttribute("formaction"));
          form.submit();
        };
        OFF.del("outbox", KEY).then(go, go);
        return;
      }
      queue(read(), false).then(function (e) {
        show({kind: "network"}, e);
        say("warn", PENDING + ". Báo cáo CHƯA được nộp: khi có mạng, bản nháp sẽ tự được lưu; hãy bấm “Nộp báo cáo” lại khi có mạng.");
      }, fieldErrors);
      return;
    }
    ev.preventDefault();
    queue(read(), true).then(function (e) {
      e.manual = true;
      say("warn", "Đang gửi…");
      send(e);
    }, function (errs) {
      if (navigator.onLine !== false) { form.submit(); return; } /* the server says what is wrong */
      say("err", "Có mục chưa hợp lệ (ghi ngay dưới từng mục). Chưa có gì được lưu; bản đang nhập vẫn được giữ trên máy.");
      fieldErrors(errs);
    });
  });

  /* ---- a version conflict: both shown, the person chooses ---- */
  function shown(el, v) {
    if (v === null || v === undefined || v === "") return "(trống)";
    if (v === true) return "Có";
    if (v === false) return "Không";
    if (typeof v === "number") return fmt(v);
    return String(v);
  }
  function conflict(server, e) {
    var diffs = [];
    fieldEls.forEach(function (el) {
      var code = el.name.slice(2), note = el.name.charAt(0) === "g";
      var mine = note ? e.body.notes[code] : e.body.values[code];
      var theirs = note ? (server.notes || {})[code] : (server.values || {})[code];
      if (mine === undefined) mine = null;
      if (theirs === undefined) theirs = null;
      if (mine !== theirs) diffs.push({el: el, code: code, note: note, mine: mine, theirs: theirs});
    });
    if (!diffs.length) { /* nothing differs: the same values under the new version */
      e.version = e.body.version = server.version;
      OFF.put("outbox", KEY, e).then(function () { send(e); });
      return;
    }
    say("err", "Báo cáo đã được sửa trên máy chủ sau khi bạn mở (có thể bởi đồng nghiệp hoặc cấp trên). Chưa gửi: hãy chọn giữ bản nào cho từng mục bên dưới.");
    var box2 = box("offline-conflict", "warn conflict", form);
    box2.innerHTML = "";
    var h = document.createElement("h2");
    h.textContent = "Chọn bản giữ lại (" + diffs.length + " mục khác nhau)";
    box2.appendChild(h);
    var when = document.createElement("p");
    when.textContent = "Bản trên máy lưu lúc " + OFF.time(e.at, true) +
      (server.updated_at ? "; bản trên máy chủ lưu lúc " + OFF.time(server.updated_at * 1000, true) + "." : ".");
    box2.appendChild(when);
    var all = document.createElement("p");
    all.className = "actions";
    box2.appendChild(all);
    var list = document.createElement("div");
    box2.appendChild(list);
    diffs.forEach(function (d, i) {
      var f = document.createElement("fieldset");
      f.className = "choice";
      f.setAttribute("data-code", (d.note ? "g." : "v.") + d.code);
      var lg = document.createElement("legend");
      lg.textContent = (d.note ? "Ghi chú — " : "") + label(d.code);
      f.appendChild(lg);
      [["mine", "Trên máy", d.mine], ["server", "Trên máy chủ", d.theirs]].forEach(function (o) {
        var l = document.createElement("label");
        var r = document.createElement("input");
        r.type = "radio";
        r.name = "offline-pick-" + i;
        r.value = o[0];
        r.checked = o[0] === "mine";
        l.appendChild(r);
        l.appendChild(document.createTextNode(" " + o[1] + ": "));
        var s = document.createElement("strong");
        s.className = "pick-value";
        s.textContent = shown(d.el, o[2]);
        l.appendChild(s);
        f.appendChild(l);
      });
      list.appendChild(f);
    });
    function pickAll(v) {
      Array.prototype.forEach.call(list.querySelectorAll("input[value=" + v + "]"), function (r) { r.checked = true; });
    }
    [["Giữ bản trên máy", "mine"], ["Dùng bản trên máy chủ", "server"]].forEach(function (o) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "secondary pick-all-" + o[1];
      b.textContent = o[0];
      b.addEventListener("click", function () { pickAll(o[1]); });
      all.appendChild(b);
    });
    var go = document.createElement("button");
    go.type = "button";
    go.className = "pick-send";
    go.textContent = "Gửi bản đã chọn";
    box2.appendChild(go);
    go.addEventListener("click", function () {
      var body = {version: server.version, values: {}, notes: {}};
      Object.keys(e.body.values).forEach(function (c) { body.values[c] = e.body.values[c]; });
      Object.keys(e.body.notes).forEach(function (c) { body.notes[c] = e.body.notes[c]; });
      var fields = {};
      Object.keys(e.fields).forEach(function (n) { fields[n] = e.fields[n]; });
      diffs.forEach(function (d, i) {
        if (list.querySelector("input[name=offline-pick-" + i + "]:checked").value !== "server") return;
        var into = d.note ? body.notes : body.values;
        if (d.theirs === null) delete into[d.code];
        else into[d.code] = d.theirs;
        fields[d.el.name] = d.theirs === null ? "" : d.el.tagName === "SELECT" ? (d.theirs ? "1" : "0") : String(d.theirs);
      });
      var next = {key: KEY, url: PAGE, api: API, label: e.label, version: server.version,
                  fields: fields, body: body, at: Date.now(), manual: true};
      write(fields);
      versionInput.value = server.version;
      quiet("offline-conflict");
      OFF.put("outbox", KEY, next).then(function () { say("warn", "Đang gửi…"); send(next); });
    });
  }

  /* ---- locked: nothing can be saved now; the draft is shown to be copied ---- */
  function locked(msg, e) {
    say("err", msg + " Bản nháp chưa gửi vẫn được giữ trên máy (xem bên dưới để chép lại).");
    var el = box("offline-locked", "info", form);
    el.innerHTML = "";
    var h = document.createElement("h2");
    h.textContent = "Bản nháp trên máy (chưa gửi, lưu lúc " + OFF.time(e.at, true) + ")";
    el.appendChild(h);
    var ul = document.createElement("ul");
    fieldEls.forEach(function (f) {
      var v = e.fields[f.name];
      if (!v) return;
      var li = document.createElement("li");
      li.textContent = (f.name.charAt(0) === "g" ? "Ghi chú — " : "") + label(f.name.slice(2)) + ": " +
        (f.tagName === "SELECT" ? (v === "1" ? "Có" : "Không") : v);
      ul.appendChild(li);
    });
    el.appendChild(ul);
    var b = document.createElement("button");
    b.type = "button";
    b.className = "secondary";
    b.textContent = "Xóa bản nháp này khỏi máy";
    b.addEventListener("click", function () {
      OFF.del("outbox", KEY).then(function () { quiet("offline-locked"); quiet("offline-state"); quiet("offline-state-actions"); OFF.sync(); });
    });
    el.appendChild(b);
  }

  /* ---- autosave while typing ---- */
  var debounce = 0, restoring = true;
  function autosave(now) {
    clearTimeout(debounce);
    if (restoring) return;
    var put = function () {
      OFF.put("drafts", KEY, {fields: read(), version: version(), at: Date.now()}).catch(function () {});
    };
    if (now) put();
    else debounce = setTimeout(put, 1000);
  }
  if (editable) {
    form.addEventListener("input", function () { autosave(false); });
    form.addEventListener("change", function () { autosave(false); });
  }

  function offer(d) {
    var el = box("offline-restore", "info", form);
    el.innerHTML = "";
    var p = document.createElement("p");
    p.textContent = "Trên máy có bản đang nhập dở khác với bản đang hiện.";
    el.appendChild(p);
    var yes = document.createElement("button");
    yes.type = "button";
    yes.className = "restore";
    yes.textContent = "Khôi phục bản đang nhập dở (lưu trên máy lúc " + OFF.time(d.at, true) + ")";
    var no = document.createElement("button");
    no.type = "button";
    no.className = "secondary restore-drop";
    no.textContent = "Bỏ";
    el.appendChild(yes);
    el.appendChild(document.createTextNode(" "));
    el.appendChild(no);
    yes.addEventListener("click", function () {
      write(d.fields);
      versionInput.value = d.version; /* a save checks against what it was typed over */
      quiet("offline-restore");
    });
    no.addEventListener("click", function () {
      OFF.del("drafts", KEY).then(function () { quiet("offline-restore"); });
    });
  }

  /* on load: a save waiting in the outbox comes back into the form (marked not sent);
   * a draft that differs from what the page shows is offered, never put in silently */
  var flash = sessionStorage.getItem(FLASH);
  if (flash) {
    sessionStorage.removeItem(FLASH);
    say("ok", flash);
  }
  OFF.listeners[KEY] = show;
  /* offline.js sends the outbox once this has shown what waits (OFF.pageReady) */
  OFF.pageReady = OFF.ready.then(function () { return OFF.get("outbox", KEY); }).then(function (e) {
    if (e && !editable) /* it cannot be saved here now: shown to be copied */
      show(e.hold && e.hold !== "auth"
        ? {kind: "locked", message: e.message || "Báo cáo hiện không sửa được."} : {kind: "network"}, e);
    else if (e) {
      write(e.fields);
      versionInput.value = e.version;
      if (e.hold === "conflict") send(e); /* fetches the server's side again */
      else show(e.hold ? {kind: e.hold, message: e.message} : {kind: "network"}, e);
    }
    return OFF.get("drafts", KEY);
  }).then(function (d) {
    restoring = false;
    if (!d || !editable) return;
    if (same(d.fields, read())) return OFF.del("drafts", KEY);
    offer(d);
  }).catch(function () { restoring = false; });
})();
