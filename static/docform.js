/* The drafting form (templates/doc_form.mustache), made easier with JavaScript. The form
 * works and saves the same fields without this script: the toolbar only types the body's
 * markup ("# ", "## ", "### ", "- ", **…**, *…*, [nhiệm vụ]) into the same textarea, the
 * recipient search only ticks the same check boxes and fills the same "Nơi gửi" lines, and
 * Nơi nhận is only rewritten while it still equals what was last filled in (dist_auto). */
(function () {
  "use strict";
  var form = document.querySelector("form.docform");
  if (!form) return;
  function $(sel, root) { return (root || form).querySelector(sel); }
  function $$(sel, root) { return Array.prototype.slice.call((root || form).querySelectorAll(sel)); }
  function fire(el) { el.dispatchEvent(new Event("input", {bubbles: true})); }

  /* ---- the body's toolbar ---- */
  var text = $("textarea[name=text]"), bar = $(".md-bar");
  var ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII",
               "XIII", "XIV", "XV", "XVI", "XVII", "XVIII", "XIX", "XX"];
  var MARK = {h1: "# ", h2: "## ", h3: "### ", ul: "- "};

  /* Replace [s, e) of the textarea, keeping the browser's undo where it can. */
  function replace(s, e, str, selS, selE) {
    text.focus();
    text.setSelectionRange(s, e);
    var done = false;
    try { done = document.execCommand("insertText", false, str); } catch (x) { done = false; }
    if (!done || text.value.slice(s, s + str.length) !== str) {
      text.setRangeText(str, s, e, "end");
      fire(text);
    }
    text.setSelectionRange(selS, selE);
  }
  function markOf(line) {
    var m = /^(#{1,3} |- )/.exec(line);
    return m ? m[1] : "";
  }
  /* The number a new heading of this level gets from the headings above it. */
  function nextNumber(kind, before) {
    var n1 = 0, n2 = 0, n3 = 0;
    before.split("\n").forEach(function (l) {
      var m = markOf(l);
      if (m === "# ") { n1++; n2 = 0; n3 = 0; }
      else if (m === "## ") { n2++; n3 = 0; }
      else if (m === "### ") n3++;
    });
    if (kind === "h1") return (ROMAN[n1] || String(n1 + 1)) + ". ";
    if (kind === "h2") return (n2 + 1) + ". ";
    return (n2 || 1) + "." + (n3 + 1) + ". ";
  }
  function lineMarks(kind) {
    var v = text.value, s = text.selectionStart, e = text.selectionEnd;
    var ls = v.lastIndexOf("\n", s - 1) + 1;
    var le = v.indexOf("\n", e > s && v[e - 1] === "\n" ? e - 1 : e);
    if (le < 0) le = v.length;
    var lines = v.slice(ls, le).split("\n"), mark = MARK[kind];
    var off = lines.every(function (l) { return markOf(l) === mark; });
    var before = v.slice(0, ls);
    var out = lines.map(function (l) {
      var m = markOf(l), rest = l.slice(m.length);
      if (off) return rest;
      var num = "";
      if (kind !== "ul" && !/^([IVXL]+|\d+(\.\d+)*)\.\s/.test(rest)) {
        num = nextNumber(kind, before);
      }
      var nl = mark + num + rest;
      before += nl + "\n";
      return nl;
    }).join("\n");
    replace(ls, le, out, lines.length === 1 ? ls + out.length : ls, ls + out.length);
  }
  function wrap(m, sample) {
    var v = text.value, s = text.selectionStart, e = text.selectionEnd, n = m.length;
    var inner = v.slice(s, e);
    if (s >= n && v.slice(s - n, s) === m && v.slice(e, e + n) === m &&
        !(n === 1 && (v[s - 2] === "*" || v[e + 1] === "*"))) {
      replace(s - n, e + n, inner, s - n, e - n); /* already wrapped: unwrap */
      return;
    }
    if (inner.length > n * 2 && inner.slice(0, n) === m && inner.slice(-n) === m) {
      var bare = inner.slice(n, -n);
      replace(s, e, bare, s, s + bare.length);
      return;
    }
    if (!inner) inner = sample;
    replace(s, e, m + inner + m, s + n, s + n + inner.length);
  }
  function duties() {
    var v = text.value, at = v.search(/^\[nhiệm vụ\][ \t]*$/m);
    if (at >= 0) { text.focus(); text.setSelectionRange(at, at + 10); return; }
    var s = text.selectionStart, ls = v.lastIndexOf("\n", s - 1) + 1;
    var le = v.indexOf("\n", s);
    if (le < 0) le = v.length;
    var str = "[nhiệm vụ]", pos = ls;
    if (v.slice(ls, le).trim()) { str = "\n" + str; pos = le; }
    if (pos < v.length && v[pos] !== "\n") str += "\n";
    replace(pos, pos, str, pos + str.length, pos + str.length);
  }
  if (text && bar) {
    bar.hidden = false;
    bar.addEventListener("mousedown", function (ev) { ev.preventDefault(); });
    bar.addEventListener("click", function (ev) {
      var b = ev.target.closest("button[data-md]");
      if (!b) return;
      var k = b.getAttribute("data-md");
      if (MARK[k]) lineMarks(k);
      else if (k === "b") wrap("**", "chữ đậm");
      else if (k === "i") wrap("*", "chữ nghiêng");
      else if (k === "duties") duties();
    });
  }

  /* ---- addressees: check boxes, a search and chips ---- */
  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").replace(/[đĐ]/g, "d")
            .toLowerCase();
  }
  function labelOf(cb) { return cb.parentNode.textContent.trim(); }
  function summarize(details) {
    var out = $(".pick-chosen", details);
    if (!out) return;
    var c = $$("input[type=checkbox]:checked", details).map(labelOf);
    out.textContent = c.length ? c.join("; ") : "chưa chọn";
  }
  var rows = $$(".rcpt-row"), box = $(".rcpt-search");
  var search = box && $("input[type=search]", box), found = box && $(".rcpt-found", box);
  var chips = box && $(".chips", box), choices = [], hit = 0;
  function rowText(r) { return $("input[type=text]", r); }
  function rowChecked(r) { return $$("input[type=checkbox]:checked", r); }
  function printOf(cb) {
    var p = cb.getAttribute("data-print") || labelOf(cb);
    return /^Các /.test(p) ? "Các " + p.charAt(4).toLowerCase() + p.slice(5) : p;
  }
  function renderChips() {
    if (!chips) return;
    chips.textContent = "";
    rows.forEach(function (r) {
      rowChecked(r).forEach(function (cb) {
        var c = document.createElement("span"), l = document.createElement("span");
        var x = document.createElement("button");
        c.className = "chip";
        l.textContent = labelOf(cb);
        x.type = "button";
        x.textContent = "×";
        x.setAttribute("aria-label", "Bỏ " + labelOf(cb));
        x.addEventListener("click", function () {
          cb.checked = false;
          var t = rowText(r);
          if (!rowChecked(r).length && t.value === r.getAttribute("data-auto")) {
            t.value = "";
            r.removeAttribute("data-auto");
          }
          changed(r);
          search.focus();
        });
        c.appendChild(l);
        c.appendChild(x);
        chips.appendChild(c);
      });
    });
  }
  function showFound() {
    var q = fold(search.value.trim());
    found.textContent = "";
    choices = [];
    if (!q) return;
    var words = q.split(/\s+/), taken = {};
    rows.forEach(function (r) { rowChecked(r).forEach(function (cb) { taken[cb.value] = 1; }); });
    /* units first (what one usually looks for), then "every unit of a kind" */
    var all = $$("input[type=checkbox]", rows[0]), kinds = [];
    all.forEach(function (cb) {
      var f = fold(labelOf(cb));
      if (taken[cb.value] || !words.every(function (w) { return f.indexOf(w) >= 0; })) return;
      (/^kind:/.test(cb.value) ? kinds : choices).push(cb);
    });
    choices = choices.concat(kinds).slice(0, 15);
    hit = 0;
    choices.forEach(function (cb, k) {
      var li = document.createElement("li");
      li.setAttribute("role", "option");
      li.setAttribute("data-value", cb.value);
      li.setAttribute("aria-selected", k === hit ? "true" : "false");
      li.textContent = labelOf(cb);
      var g = cb.closest("fieldset");
      if (g && g.querySelector("legend")) {
        var s = document.createElement("span");
        s.className = "muted";
        s.textContent = g.querySelector("legend").textContent;
        li.appendChild(s);
      }
      li.addEventListener("mousedown", function (ev) { ev.preventDefault(); choose(cb.value); });
      found.appendChild(li);
    });
    if (!choices.length) {
      var none = document.createElement("li");
      none.textContent = "Không có đơn vị nào khớp.";
      found.appendChild(none);
    }
  }
  function choose(value) {
    var free = rows.filter(function (r) {
      return !rowText(r).value.trim() && !rowChecked(r).length;
    })[0];
    if (!free) {
      found.textContent = "";
      var li = document.createElement("li");
      li.textContent = "Đã dùng hết các dòng Kính gửi; hãy lưu bản nháp để có thêm dòng.";
      found.appendChild(li);
      return;
    }
    var cb = $$("input[type=checkbox]", free).filter(function (c) { return c.value === value; })[0];
    if (!cb) return;
    cb.checked = true;
    rowText(free).value = printOf(cb);
    free.setAttribute("data-auto", rowText(free).value);
    search.value = "";
    found.textContent = "";
    changed(free);
    search.focus();
  }
  function changed(r) {
    $$("details.pick", r).forEach(summarize);
    renderChips();
    fillDistribution();
    schedule();
  }
  if (box && rows.length) {
    box.hidden = false;
    search.addEventListener("input", showFound);
    search.addEventListener("keydown", function (ev) {
      var items = $$("li[role=option]", found);
      if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
        if (!items.length) return;
        ev.preventDefault();
        hit = (hit + (ev.key === "ArrowDown" ? 1 : items.length - 1)) % items.length;
        items.forEach(function (li, k) { li.setAttribute("aria-selected", k === hit ? "true" : "false"); });
      } else if (ev.key === "Enter") {
        ev.preventDefault(); /* never submit the form from the search */
        if (choices[hit]) choose(choices[hit].value);
      } else if (ev.key === "Escape") {
        search.value = "";
        found.textContent = "";
      }
    });
    renderChips();
  }
  form.addEventListener("change", function (ev) {
    var d = ev.target.closest && ev.target.closest("details.pick");
    if (!d) return;
    summarize(d);
    var r = d.closest(".rcpt-row");
    if (r) changed(r);
  });

  /* ---- Nơi nhận follows Kính gửi until the officer edits it ---- */
  var dist = $("textarea[name=distribution]"), auto = $("input[name=dist_auto]");
  function norm(s) {
    return s.split("\n").map(function (l) { return l.trim().replace(/^-(\s+|$)/, "").trim(); })
            .filter(function (l) { return l; }).join("\n");
  }
  function generated() {
    var out = [];
    rows.forEach(function (r) {
      var t = rowText(r).value.trim();
      if (!t) return;
      out.push(/;$/.test(t) ? t : /[.,]$/.test(t) ? t.slice(0, -1) + ";" : t + ";");
    });
    out.push("Lưu: VT.");
    return out.join("\n");
  }
  function fillDistribution() {
    if (!dist || !auto || norm(dist.value) !== norm(auto.value)) return;
    var g = generated();
    dist.value = g;
    auto.value = g;
  }
  rows.forEach(function (r) {
    rowText(r).addEventListener("input", function () { fillDistribution(); });
  });

  /* ---- the first page, as it will print ---- */
  var pane = document.getElementById("doc-preview"), timer = 0;
  function val(name) {
    var e = form.elements[name];
    return e && e.value !== undefined ? e.value : "";
  }
  function esc(s) {
    return s.replace(/[&<>"]/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;"}[c];
    });
  }
  function up(s) { return s.toLocaleUpperCase("vi"); }
  function lines(s) { return s.split(/\r?\n/).map(function (l) { return l.trim(); }).filter(Boolean); }
  function runs(s) {
    return esc(s).replace(/\*\*\*([^*]+)\*\*\*/g, "<b><i>$1</i></b>")
                 .replace(/\*\*([^*]+)\*\*/g, "<b>$1</b>")
                 .replace(/\*([^*]+)\*/g, "<i>$1</i>");
  }
  function placeDate() {
    var m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(val("date").trim());
    var place = val("place").trim() || "…";
    if (!m) return place + ", ngày      tháng      năm " + new Date().getFullYear();
    var d = +m[1], mo = +m[2];
    return place + ", ngày " + (d < 10 ? "0" : "") + d + " tháng " + (mo < 3 ? "0" : "") + mo +
           " năm " + m[3];
  }
  var TYPES = {kh: "KẾ HOẠCH", bc: "BÁO CÁO", qd: "QUYẾT ĐỊNH"};
  function render() {
    timer = 0;
    if (!pane) return;
    var kind = val("kind"), abbr = val("body_abbr").trim() || "…";
    var sym = kind === "cv" ? abbr + (val("drafter_abbr").trim() ? "-" + val("drafter_abbr").trim() : "")
                            : ({kh: "KH", bc: "BC", qd: "QĐ"}[kind] || "KH") + "-" + abbr;
    var subject = val("subject").trim(), h = [];
    h.push('<div class="hd"><div>');
    lines(val("parent_body")).forEach(function (l) { h.push("<div>" + esc(up(l)) + "</div>"); });
    lines(val("body")).forEach(function (l, k, all) {
      h.push('<div class="b' + (k === all.length - 1 ? " rule" : "") + '">' + esc(up(l)) + "</div>");
    });
    h.push("<div>Số:       /" + esc(sym) + "</div>");
    if (kind === "cv" && subject) {
      h.push('<div class="sm">V/v ' + esc(subject.charAt(0).toLowerCase() + subject.slice(1)) + "</div>");
    }
    h.push('</div><div><div class="b">CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</div>' +
           '<div class="b rule">Độc lập - Tự do - Hạnh phúc</div>' +
           '<div class="it">' + esc(placeDate()) + "</div></div></div>");
    if (kind !== "cv") {
      h.push('<p class="title b">' + (TYPES[kind] || "") + "<br>" + esc(subject) + "</p>");
    }
    var kg = rows.map(function (r) { return rowText(r).value.trim(); }).filter(Boolean);
    if (kg.length === 1) h.push('<p class="kg c">Kính gửi: ' + esc(kg[0]) + "</p>");
    else if (kg.length) {
      h.push('<p class="kg c">Kính gửi:</p>');
      kg.forEach(function (l) { h.push('<p class="kg c">- ' + esc(l) + "</p>"); });
    }
    $$("input[name^=basis_text_]").forEach(function (b) {
      var t = b.value.trim();
      if (t) h.push("<p" + (/^Căn cứ/.test(t) ? ' class="it"' : "") + ">" + runs(t) + "</p>");
    });
    var n = 0, chars = 0, body = lines(val("text"));
    for (var k = 0; k < body.length && n < 14 && chars < 1800; k++, n++) {
      var l = body[k], m = /^(#{1,3}) (.*)$/.exec(l), cls = "";
      if (m) { cls = "h" + m[1].length; l = m[2]; }
      if (l === "[nhiệm vụ]") {
        h.push('<p class="more">(các nhiệm vụ in ở đây)</p>');
        continue;
      }
      if (cls === "h1") l = up(l);
      chars += l.length;
      h.push("<p" + (cls ? ' class="' + cls + '"' : "") + ">" + runs(l) + "</p>");
    }
    if (k < body.length) h.push('<p class="more">… (các trang sau)</p>');
    pane.innerHTML = h.join("");
  }
  function schedule() {
    if (timer) clearTimeout(timer);
    timer = setTimeout(render, 250);
  }
  if (pane) {
    pane.closest(".doc-preview").hidden = false;
    form.addEventListener("input", schedule);
    form.addEventListener("change", schedule);
    render();
  }
})();
