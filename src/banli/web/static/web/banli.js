/* Small enhancements; every page works without them.
   1. Reply forms show the planned-date fields for types that need them and the reason for others.
   2. The co-signer picker searches members by name through the API and keeps the picks as chips.
   3. An action named in the address (#do-sign-12) opens and takes the focus.
   4. An assessment indicator's form shows the parameters of the figure chosen.
   5. A reply form's "套用模板" fills the letter in place (the server's JSON) instead of reloading the page.
   6. A required field left empty says so in the page's language: the browser's own message follows
      the browser's language (an English Chromium says "Please select one of these options." on a
      Chinese page); on a Chinese page every form's fields say it in Chinese instead.
   7. The report's filters fold behind their summary on a phone, so the first figure is on the first screen. */
(function () {
  "use strict";

  function syncReplyForm(form) {
    var sel = form.querySelector("select[name=reply_type]");
    if (!sel) return;
    var opt = sel.options[sel.selectedIndex];
    var rec = form.querySelector("select[name=recommendation]");
    var needs = { date: opt && opt.dataset.needsDate === "1", reason: opt && opt.dataset.needsReason === "1",
                  withhold: !!rec && rec.value === "withhold" };
    form.querySelectorAll("[data-shown-when]").forEach(function (el) {
      el.hidden = !needs[el.dataset.shownWhen];
    });
  }
  document.querySelectorAll("form[data-reply-form]").forEach(function (form) {
    syncReplyForm(form);
    form.addEventListener("change", function (e) { if (e.target.name === "reply_type" || e.target.name === "recommendation") syncReplyForm(form); });
    form.querySelectorAll("[data-fill-template]").forEach(function (btn) {
      btn.addEventListener("click", function (e) { fillTemplate(e, form, btn); });
    });
  });

  function fillTemplate(e, form, btn) {
    if (!window.fetch || !window.FormData) return;  // the button's own POST: the page comes back filled
    e.preventDefault();
    var pick = btn.closest(".template-pick"), body = form.querySelector("textarea[name=body]");
    var shown = pick.querySelector("[data-fill-message]");
    if (!shown) {
      shown = document.createElement("p");
      shown.setAttribute("data-fill-message", "");
      pick.appendChild(shown);
    }
    fetch(btn.formAction, { method: "POST", body: new FormData(form), credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json().then(function (d) { return { ok: r.ok, d: d }; }); })
      .then(function (res) {
        if (!res.ok) { shown.className = "error"; shown.setAttribute("role", "alert"); shown.textContent = res.d.message || ""; return; }
        if (body.value.trim() && body.value !== res.d.body && !window.confirm(btn.dataset.confirm)) return;
        body.value = res.d.body;
        var sel = form.querySelector("select[name=reply_type]");
        if (sel) { sel.value = res.d.reply_type; syncReplyForm(form); }
        shown.className = "note"; shown.setAttribute("role", "status"); shown.textContent = btn.dataset.done || "";
        body.focus();
      })
      .catch(function () { form.setAttribute("action", btn.formAction); form.submit(); });
  }

  function chip(picker, id, label) {
    var chips = picker.querySelector(".chips");
    if (chips.querySelector('input[value="' + id + '"]')) return;
    var span = document.createElement("span");
    span.className = "chip";
    var input = document.createElement("input");
    input.type = "hidden"; input.name = picker.dataset.name; input.value = id;
    var x = document.createElement("button");
    x.type = "button"; x.className = "x"; x.textContent = "×"; x.setAttribute("aria-label", "× " + label);
    span.appendChild(input); span.appendChild(document.createTextNode(label)); span.appendChild(x);
    chips.appendChild(span);
  }
  document.querySelectorAll("[data-picker]").forEach(function (picker) {
    var q = picker.querySelector(".picker-q"), list = picker.querySelector(".picker-results"), timer = null;
    picker.addEventListener("click", function (e) {
      if (e.target.classList.contains("x")) { e.target.parentNode.remove(); q.focus(); }
    });
    q.addEventListener("keydown", function (e) {
      if (e.key === "Enter") { e.preventDefault(); var first = list.querySelector("button"); if (first) first.click(); }
      if (e.key === "ArrowDown") { e.preventDefault(); var b = list.querySelector("button"); if (b) b.focus(); }
    });
    list.addEventListener("keydown", function (e) {
      var li = e.target.closest("li");
      if (!li) return;
      if (e.key === "ArrowDown" && li.nextElementSibling) { e.preventDefault(); li.nextElementSibling.querySelector("button").focus(); }
      if (e.key === "ArrowUp") { e.preventDefault(); (li.previousElementSibling ? li.previousElementSibling.querySelector("button") : q).focus(); }
    });
    q.addEventListener("input", function () {
      clearTimeout(timer);
      var term = q.value.trim();
      if (!term) { list.hidden = true; list.innerHTML = ""; return; }
      timer = setTimeout(function () {
        fetch("/api/people/?assembly=" + encodeURIComponent(picker.dataset.assembly) + "&q=" + encodeURIComponent(term),
              { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (people) {
            list.innerHTML = "";
            people.forEach(function (p) {
              var li = document.createElement("li"), b = document.createElement("button");
              b.type = "button"; b.setAttribute("role", "option"); b.dataset.id = p.id;
              b.textContent = p.name;
              if (p.sector) { var s = document.createElement("span"); s.className = "sector"; s.textContent = p.sector; b.appendChild(s); }
              b.addEventListener("click", function () { chip(picker, p.id, p.name); q.value = ""; list.hidden = true; q.focus(); });
              li.appendChild(b); list.appendChild(li);
            });
            list.hidden = people.length === 0;
          });
      }, 250);
    });
  });

  function openFromHash() {
    if (!location.hash) return;
    var id = location.hash.slice(1);
    // A link may name an action without the record it applies to (#do-give_feedback): open the first.
    var el = document.getElementById(id) || document.querySelector('details[id^="' + id.replace(/["\\]/g, "") + '-"]');
    if (el && el.tagName === "DETAILS") {
      el.open = true;
      var first = el.querySelector("input:not([type=hidden]), select, textarea, button");
      if (first) first.focus({ preventScroll: true });
      el.scrollIntoView({ block: "start" });
    }
  }
  openFromHash();
  window.addEventListener("hashchange", openFromHash);

  // Report period: only the input for the chosen kind (session, term, year) is sent.
  var kind = document.querySelector("[data-period-kind]");
  function syncPeriod() {
    document.querySelectorAll("[data-kind]").forEach(function (label) {
      var on = label.dataset.kind === kind.value;
      label.hidden = !on;
      label.querySelectorAll("select, input").forEach(function (el) { el.disabled = !on; });
    });
  }
  if (kind) { syncPeriod(); kind.addEventListener("change", syncPeriod); }

  // Assessment indicators: only the parameters of the chosen figure (its metric or its kind) are shown.
  document.querySelectorAll("form[data-indicator-form]").forEach(function (form) {
    var sel = form.querySelector("select[name=metric]");
    function sync() {
      var opt = sel.options[sel.selectedIndex], on = ["metric:" + sel.value, "kind:" + ((opt && opt.dataset.kind) || "")];
      form.querySelectorAll("[data-show]").forEach(function (el) {
        el.hidden = !el.dataset.show.split(" ").some(function (t) { return on.indexOf(t) >= 0; });
      });
      var params = form.querySelector(".as-params");
      if (params) params.hidden = !params.querySelector("[data-show]:not([hidden])") && !params.querySelector(".error");
    }
    sync();
    sel.addEventListener("change", sync);
  });

  // 6. Validity messages in Chinese on a Chinese page; an English page keeps the browser's own.
  if ((document.documentElement.lang || "").indexOf("zh") === 0) {
    var said = function (el) {
      var v = el.validity, t = el.type;
      if (v.valueMissing) {
        if (t === "radio") return "请选择其中一项。";
        if (t === "checkbox") return "请勾选此项。";
        if (t === "file") return "请选择文件。";
        if (el.tagName === "SELECT") return "请从列表中选择一项。";
        return "请填写此项。";
      }
      if (v.typeMismatch) return t === "email" ? "请输入有效的电子邮箱地址。" : t === "url" ? "请输入有效的网址。" : "格式不正确。";
      if (v.badInput) return t === "number" ? "请输入数字。" : t === "date" ? "请输入完整的日期。" : "请输入有效的值。";
      if (v.rangeUnderflow) return "不能小于 " + el.min + "。";
      if (v.rangeOverflow) return "不能大于 " + el.max + "。";
      if (v.stepMismatch) return "请输入有效的值。";
      if (v.tooShort) return "至少 " + el.minLength + " 个字（现为 " + el.value.length + " 个）。";
      if (v.tooLong) return "最多 " + el.maxLength + " 个字。";
      if (v.patternMismatch) return el.title || "格式不正确。";
      return "";
    };
    // Capture: "invalid" does not bubble. The message is cleared as soon as the field changes, or
    // the browser would keep refusing a field that is now filled.
    document.addEventListener("invalid", function (e) {
      var el = e.target;
      if (!el.setCustomValidity) return;
      el.setCustomValidity("");
      if (!el.validity.valid) el.setCustomValidity(said(el));
    }, true);
    var clear = function (e) {
      var el = e.target;
      if (!el.setCustomValidity) return;
      if (el.type === "radio" && el.name && el.form) {
        Array.prototype.forEach.call(el.form.querySelectorAll('input[type=radio][name="' + el.name.replace(/["\\]/g, "") + '"]'),
                                     function (r) { r.setCustomValidity(""); });
      } else {
        el.setCustomValidity("");
      }
    };
    document.addEventListener("input", clear, true);
    document.addEventListener("change", clear, true);
  }

  // 7. On a phone the report's filters start folded (their summary says what is chosen).
  if (window.matchMedia && window.matchMedia("(max-width: 640px)").matches) {
    document.querySelectorAll("details[data-fold-on-phone]").forEach(function (d) {
      if (!d.querySelector(".error")) d.open = false;
    });
  }

  if ("serviceWorker" in navigator) navigator.serviceWorker.register("/sw.js").catch(function () {});
})();
