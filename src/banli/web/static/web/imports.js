// A running import: ask for its progress every second; when it ends, show the page again
// (the result is drawn by the server).
(function () {
  "use strict";
  var box = document.getElementById("status");
  if (!box || box.dataset.state !== "running") return;
  var bar = box.querySelector("progress"), count = box.querySelector(".count");
  function poll() {
    fetch("/imports/" + box.dataset.batch + ".json", {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (b) {
        if (!b) return;
        if (b.state !== "running") { window.location.reload(); return; }
        bar.max = Math.max(b.total, 1);
        bar.value = b.done;
        count.textContent = b.done + "/" + b.total;
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 5000); });
  }
  poll();
})();
