/* The dossier export page (/reports/dossiers/): each running job asks for its counters every
   second until it is done. A file of its own, not inline: the Content-Security-Policy runs no inline script. */
(function () {
  "use strict";
  document.querySelectorAll("tr[data-job][data-active='1']").forEach(function (row) {
    var bar = row.querySelector("progress"), count = row.querySelector(".count"), state = row.querySelector(".state-text"),
        link = row.querySelector(".download");
    function poll() {
      fetch("/reports/jobs/" + row.dataset.job + ".json", { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (job) {
          if (!job) return;
          bar.max = Math.max(job.total, 1);
          bar.value = job.state === "done" ? bar.max : job.done;
          count.textContent = job.done + "/" + job.total;
          state.textContent = job.state_label + (job.error ? ": " + job.error : "");
          if (job.download) { link.hidden = false; }
          if (job.state === "queued" || job.state === "running") { setTimeout(poll, 1000); }
        })
        .catch(function () { setTimeout(poll, 5000); });
    }
    poll();
  });
})();
