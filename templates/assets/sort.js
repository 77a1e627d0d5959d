// Sortable tables (table.sortable): each column heading becomes a button that sorts the rows by
// that column, largest first, then smallest first; the first column puts the rows back in the
// report's order (then reversed). Without JavaScript the table stays in the report's order.
// Cells are read as shown: "12 (3.4%)" sorts by the percentage, "12" by the number; "…" and
// "x" (not reported, withheld) go last either way.
(function () {
  'use strict';
  function value(cell) {
    if (!cell) return null;
    var text = cell.textContent;
    var m = text.match(/\((-?[\d.]+)%\)/) || text.match(/-?\d+(?:\.\d+)?/);
    if (!m) return null;
    return parseFloat(m[1] !== undefined ? m[1] : m[0]);
  }
  function setUp(table) {
    var head = table.tHead && table.tHead.rows[0];
    var body = table.tBodies[0];
    if (!head || !body) return;
    var original = Array.prototype.slice.call(body.rows);
    Array.prototype.forEach.call(head.cells, function (th, col) {
      var button = document.createElement('button');
      button.type = 'button';
      button.className = 'sort';
      while (th.firstChild) button.appendChild(th.firstChild);
      th.appendChild(button);
      button.addEventListener('click', function () {
        var descending = col === 0
          ? th.getAttribute('aria-sort') === 'ascending'
          : th.getAttribute('aria-sort') !== 'descending';
        Array.prototype.forEach.call(head.cells, function (h) { h.removeAttribute('aria-sort'); });
        th.setAttribute('aria-sort', descending ? 'descending' : 'ascending');
        var rows = original.slice();
        if (col === 0) {
          if (descending) rows.reverse();
        } else {
          rows.sort(function (a, b) {
            var x = value(a.cells[col]), y = value(b.cells[col]);
            if (x === null || y === null) return (x === null) - (y === null);
            return descending ? y - x : x - y;
          });
        }
        var fragment = document.createDocumentFragment();
        rows.forEach(function (r) { fragment.appendChild(r); });
        body.appendChild(fragment);
      });
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll('table.sortable'), setUp);
})();
