/* Group totals on the results form, kept current as one types. The form works without
 * this: the server shows the same totals after each save. */
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
  for (var t = 0; t < tables.length; t++) {
    (function (table) {
      table.addEventListener("input", function () { update(table); });
    })(tables[t]);
  }
})();
