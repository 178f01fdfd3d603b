/* The item list's bulk bar (web/items/bulk_bar.html): "select all on this page" in the table's
   head, and the count of ticked rows. Without script the bar's own choice ("本页全部") does the same. */
(function () {
  "use strict";
  var form = document.getElementById("bulk");
  if (!form) return;
  var all = document.querySelector("[data-bulk-all]");
  var count = form.querySelector("[data-bulk-count]");
  var picked = form.querySelector('input[name="scope"][value="picked"]');
  function boxes() { return Array.prototype.slice.call(document.querySelectorAll('input[form="bulk"][name="item"]')); }
  function update() {
    var b = boxes(), n = b.filter(function (x) { return x.checked; }).length;
    if (count) { count.hidden = false; count.textContent = "(" + n + ")"; }
    if (all) { all.checked = n > 0 && n === b.length; all.indeterminate = n > 0 && n < b.length; }
  }
  if (all) {
    all.hidden = false;
    all.addEventListener("change", function () {
      boxes().forEach(function (x) { x.checked = all.checked; });
      if (picked) picked.checked = true;
      update();
    });
  }
  boxes().forEach(function (x) {
    x.addEventListener("change", function () { if (picked) picked.checked = true; update(); });
  });
  update();
})();
