(function () {
  "use strict";
  var table = document.getElementById("candidates-table");
  if (!table) { return; }
  var bodies = Array.prototype.slice.call(table.tBodies);
  var headers = table.tHead.rows[0].cells;
  var filter = document.getElementById("filter");
  var tier = document.getElementById("tier-filter");
  var community = document.getElementById("community-filter");
  var hideFlagged = document.getElementById("hide-flagged");
  var count = document.getElementById("count");

  function key(body, col, kind) {
    var v = body.rows[0].cells[col].getAttribute("data-v");
    if (kind === "num") { return v === "" ? NaN : parseFloat(v); }
    return v;
  }
  function sortBy(col) {
    var th = headers[col];
    var kind = th.getAttribute("data-kind");
    var dir = th.getAttribute("aria-sort") === "ascending" ? "descending" : "ascending";
    for (var i = 0; i < headers.length; i++) { headers[i].setAttribute("aria-sort", "none"); }
    th.setAttribute("aria-sort", dir);
    var sign = dir === "ascending" ? 1 : -1;
    bodies.sort(function (a, b) {
      var x = key(a, col, kind), y = key(b, col, kind);
      if (kind === "num") {
        var xn = isNaN(x), yn = isNaN(y);
        if (xn || yn) { return xn === yn ? 0 : (xn ? 1 : -1); }
        return sign * (x - y);
      }
      return sign * x.localeCompare(y);
    });
    var frag = document.createDocumentFragment();
    bodies.forEach(function (b) { frag.appendChild(b); });
    table.appendChild(frag);
  }
  function applyFilter() {
    var q = filter.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
    var t = tier.value, c = community.value, hide = hideFlagged.checked, shown = 0;
    bodies.forEach(function (b) {
      var text = b.getAttribute("data-search");
      var ok = q.every(function (w) { return text.indexOf(w) !== -1; }) &&
        (!t || b.getAttribute("data-tier") === t) &&
        (!c || b.getAttribute("data-community") === c) &&
        (!hide || b.getAttribute("data-flagged") === "0");
      b.hidden = !ok;
      if (ok) { shown++; }
    });
    count.textContent = shown.toLocaleString("en") + " of " +
      bodies.length.toLocaleString("en") + " shown";
  }
  function toggle(row) {
    var detail = row.nextElementSibling;
    var open = row.getAttribute("aria-expanded") === "true";
    row.setAttribute("aria-expanded", open ? "false" : "true");
    detail.hidden = open;
  }
  for (var i = 0; i < headers.length; i++) {
    (function (col) {
      headers[col].addEventListener("click", function () { sortBy(col); });
      headers[col].addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); sortBy(col); }
      });
    })(i);
  }
  table.addEventListener("click", function (e) {
    var row = e.target.closest("tr.row");
    if (row) { toggle(row); }
  });
  table.addEventListener("keydown", function (e) {
    var row = e.target.closest("tr.row");
    if (row && (e.key === "Enter" || e.key === " ")) { e.preventDefault(); toggle(row); }
  });
  [filter, tier, community, hideFlagged].forEach(function (el) {
    el.addEventListener("input", applyFilter);
    el.addEventListener("change", applyFilter);
  });
  applyFilter();
})();
