// The office's suggestions on the item page (partials/suggestions.html): a click fills the merge
// or assignment form below and opens it; nothing is sent until the clerk submits that form.
(function () {
  "use strict";
  function openForm(id) {
    var d = document.getElementById(id);
    if (d) { d.open = true; d.scrollIntoView({block: "nearest"}); }
    return d;
  }
  function choose(select, value, add) {
    if (!select) return;
    Array.prototype.forEach.call(select.options, function (o) {
      if (o.value === value) o.selected = true; else if (!add) o.selected = false;
    });
    // The unit picker (unitpicker.js) redraws its chips from the <select> on "change".
    select.dispatchEvent(new Event("change", {bubbles: true}));
  }
  document.addEventListener("click", function (e) {
    var b = e.target.closest("[data-merge-into], [data-assign-unit]");
    if (!b) return;
    if (b.dataset.mergeInto) {
      var m = openForm("do-merge");
      var input = m && m.querySelector("[name=into_number]");
      if (input) { input.value = b.dataset.mergeInto; input.focus(); }
      return;
    }
    var f = openForm("do-assign");
    if (!f) return;
    var as = b.dataset.assignAs;
    choose(f.querySelector("select[name=" + as + "]"), b.dataset.assignUnit, as !== "lead");
    b.setAttribute("aria-pressed", "true");
  });
})();

// The draft form: published and own items like the one being written, asked for once typing pauses.
(function () {
  "use strict";
  var box = document.getElementById("similar-draft");
  if (!box) return;
  var form = box.closest("form");
  var timer = null, last = "";
  function field(name) { var el = form.querySelector("[name=" + name + "]"); return el ? el.value : ""; }
  function ask() {
    var params = new URLSearchParams();
    ["title", "reason", "suggestions"].forEach(function (n) { params.set(n, field(n)); });
    var key = params.toString();
    if (key === last || field("title").trim().length < 4) return;
    last = key;
    var url = box.dataset.similarUrl;
    fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + key, {credentials: "same-origin"})
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { box.innerHTML = html; })  // rendered by Django: escaped there
      .catch(function () {});
  }
  form.addEventListener("input", function (e) {
    if (!/^(title|reason|suggestions)$/.test(e.target.name || "")) return;
    clearTimeout(timer);
    timer = setTimeout(ask, 600);
  });
  ask();
})();
