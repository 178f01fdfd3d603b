/* The large-text mode (大字版, for older readers): a class on <html>, remembered in this browser;
   and the item page's print button. Nothing else runs on the public site; every page works without it. */
(function () {
  var root = document.documentElement, key = "banli-large-text";
  function apply(on) {
    root.classList.toggle("large-text", on);
    document.querySelectorAll("[data-large-text]").forEach(function (b) {
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.textContent = on ? "标准字号" : "大字版";
    });
  }
  var on = false;
  try { on = localStorage.getItem(key) === "1"; } catch (e) {}
  apply(on);
  document.addEventListener("click", function (ev) {
    if (ev.target.closest("[data-print]")) { window.print(); return; }
    var b = ev.target.closest("[data-large-text]");
    if (!b) return;
    on = !root.classList.contains("large-text");
    try { localStorage.setItem(key, on ? "1" : "0"); } catch (e) {}
    apply(on);
  });
})();
