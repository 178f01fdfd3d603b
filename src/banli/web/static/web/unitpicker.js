/* The unit picker (banli.web.widgets.UnitPicker). Each [data-unit-picker] holds a real <select>
   grouped by kind; this script hides it and puts a filter box in its place: typing a name, a
   short name or pinyin initials ("jyj" for 区教育局) narrows the list at once, from the unit data
   the page embeds as JSON (no request). The <select> stays in the form and keeps the choice, so
   the form posts exactly what it posts without script.
   Keys: arrows move, Enter picks (or unpicks), Escape closes, Backspace in the empty box removes
   the last chip. The box is an ARIA combobox with a listbox of grouped options. */
(function () {
  "use strict";
  var dataCache = {};

  function unitData(id) {
    if (!dataCache[id]) {
      var el = document.getElementById(id), byId = {};
      (el ? JSON.parse(el.textContent) : []).forEach(function (u) { byId[u.id] = u; });
      dataCache[id] = byId;
    }
    return dataCache[id];
  }

  function make(tag, cls, text) {
    var el = document.createElement(tag);
    if (cls) el.className = cls;
    if (text) el.textContent = text;
    return el;
  }

  function norm(s) { return (s || "").toLowerCase().replace(/\s+/g, ""); }

  function matches(e, q) {
    if (!q) return true;
    if (e.name.toLowerCase().indexOf(q) >= 0 || e.short.toLowerCase().indexOf(q) >= 0) return true;
    // Initials only for what can be initials: 教 typed in Chinese is matched by the names above.
    return /^[a-z0-9]+$/.test(q) && e.py.some(function (p) { return p.indexOf(q) >= 0; });
  }

  function enhance(root) {
    var select = root.querySelector("select");
    if (!select || root.dataset.ready) return;
    root.dataset.ready = "1";
    var multiple = select.multiple, data = unitData(root.dataset.units);
    var base = (select.id || "unit-picker") + "-up";
    var blank = select.querySelector('option[value=""]');
    var removable = multiple || !!blank;

    // The entries, in the <select>'s groups and order (建议 first when there are suggestions).
    var groups = [], entries = [];
    Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (og, gi) {
      var g = { label: og.label, key: og.dataset.group, id: base + "-g" + gi, entries: [] };
      Array.prototype.forEach.call(og.querySelectorAll("option"), function (opt) {
        var u = data[opt.value] || {};
        var e = { option: opt, id: opt.value, name: u.name || opt.textContent, short: u.short || "", py: u.py || [],
                  reason: opt.dataset.reason || "", elId: base + "-o" + opt.value };
        g.entries.push(e); entries.push(e);
      });
      groups.push(g);
    });
    // Chips in the order picked; those chosen when the page came, in the page's order.
    var order = entries.filter(function (e) { return e.option.selected; });

    var box = make("div", "up-box");
    var chips = make("ul", "up-chips");
    chips.setAttribute("aria-label", root.dataset.chosen);
    var input = make("input", "up-q");
    input.type = "text"; input.id = base + "-q"; input.autocomplete = "off";
    input.placeholder = root.dataset.placeholder;
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", base + "-list");
    var list = make("div", "up-list");
    list.id = base + "-list"; list.hidden = true;
    list.setAttribute("role", "listbox");
    if (multiple) list.setAttribute("aria-multiselectable", "true");
    var status = make("p", "sr");
    status.setAttribute("aria-live", "polite");

    // The field's label now names the box; the hidden <select> leaves the tab order and the
    // browser's own checks (the server checks the choice).
    var label = select.id ? document.querySelector('label[for="' + select.id + '"]') : null;
    if (label) {
      label.htmlFor = input.id;
      if (!label.id) label.id = base + "-label";
      list.setAttribute("aria-labelledby", label.id);
    } else {
      input.setAttribute("aria-label", select.getAttribute("aria-label") || root.dataset.placeholder);
    }
    if (select.getAttribute("aria-describedby")) input.setAttribute("aria-describedby", select.getAttribute("aria-describedby"));
    var hadFocus = document.activeElement === select;  // e.g. an action opened from the address (#do-assign)
    select.hidden = true; select.tabIndex = -1; select.required = false;

    box.appendChild(chips); box.appendChild(input);
    root.insertBefore(box, select);
    root.insertBefore(list, select);
    root.insertBefore(status, select);
    root.classList.add("up-ready");

    var visible = [], active = -1;

    function render() {
      var q = norm(input.value);
      list.textContent = ""; visible = [];
      groups.forEach(function (g) {
        var hits = g.entries.filter(function (e) { return matches(e, q); });
        if (!hits.length) return;
        var wrap = make("div", "up-group" + (g.key === "suggested" ? " up-suggested" : ""));
        wrap.setAttribute("role", "group");
        wrap.setAttribute("aria-labelledby", g.id);
        var head = make("div", "up-head", g.label);
        head.id = g.id; head.setAttribute("role", "presentation");
        wrap.appendChild(head);
        hits.forEach(function (e) {
          var o = make("div", "up-opt");
          o.id = e.elId;
          o.setAttribute("role", "option");
          o.setAttribute("aria-selected", e.option.selected ? "true" : "false");
          o.appendChild(make("span", "up-name", e.name));
          if (e.short) o.appendChild(make("small", "up-short", e.short));
          if (e.reason) o.appendChild(make("small", "up-reason", e.reason));
          o.addEventListener("mousedown", function (ev) { ev.preventDefault(); });  // the box keeps the focus
          o.addEventListener("click", function () { pick(e); });
          e.el = o; visible.push(e); wrap.appendChild(o);
        });
        list.appendChild(wrap);
      });
      if (!visible.length) list.appendChild(make("div", "up-empty", root.dataset.empty));
      status.textContent = q ? visible.length + " " + root.dataset.found : "";
      setActive(q && visible.length ? 0 : -1);
    }

    function setActive(i) {
      if (active >= 0 && visible[active]) visible[active].el.classList.remove("active");
      active = i;
      if (i >= 0 && visible[i]) {
        visible[i].el.classList.add("active");
        input.setAttribute("aria-activedescendant", visible[i].elId);
        if (visible[i].el.scrollIntoView) visible[i].el.scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function open() {
      if (!list.hidden) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      render();
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      setActive(-1);
    }

    function changed() {
      drawChips();
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function pick(e) {
      if (multiple) {
        e.option.selected = !e.option.selected;
        order = e.option.selected ? order.concat([e]) : order.filter(function (x) { return x !== e; });
        input.value = "";
        render();
      } else {
        e.option.selected = true;
        order = [e];
        input.value = "";
        close();
      }
      changed();
    }

    function unpick(e) {
      e.option.selected = false;
      if (!multiple && blank) blank.selected = true;
      order = order.filter(function (x) { return x !== e; });
      changed();
      if (!list.hidden) render();
    }

    function drawChips() {
      chips.textContent = "";
      order.forEach(function (e) {
        var li = make("li", "up-chip");
        li.appendChild(make("span", "", e.name));
        if (removable) {
          var x = make("button", "up-x", "×");
          x.type = "button";
          x.setAttribute("aria-label", root.dataset.remove + " " + e.name);
          x.addEventListener("click", function () { unpick(e); input.focus(); });
          li.appendChild(x);
        }
        chips.appendChild(li);
      });
      chips.hidden = !order.length;
    }

    input.addEventListener("input", function () { if (list.hidden) open(); else render(); });
    input.addEventListener("click", open);
    input.addEventListener("keydown", function (ev) {
      var k = ev.key;
      if (k === "ArrowDown") {
        ev.preventDefault();
        if (list.hidden) { open(); setActive(visible.length ? 0 : -1); } else setActive(Math.min(active + 1, visible.length - 1));
      } else if (k === "ArrowUp") {
        ev.preventDefault();
        if (!list.hidden) setActive(Math.max(active - 1, 0));
      } else if (k === "Home" && !list.hidden && visible.length) {
        ev.preventDefault(); setActive(0);
      } else if (k === "End" && !list.hidden && visible.length) {
        ev.preventDefault(); setActive(visible.length - 1);
      } else if (k === "Enter") {
        // With the list open, Enter picks; with it closed, it submits the form as usual.
        if (!list.hidden) {
          ev.preventDefault();
          if (active >= 0 && visible[active]) pick(visible[active]);
        }
      } else if (k === "Escape") {
        if (!list.hidden) { ev.preventDefault(); close(); }
      } else if (k === "Backspace" && !input.value && removable && order.length) {
        ev.preventDefault();
        unpick(order[order.length - 1]);
      } else if (k === "Tab") {
        close();
      }
    });
    root.addEventListener("focusout", function (ev) {
      if (!root.contains(ev.relatedTarget)) close();
    });
    box.addEventListener("click", function (ev) { if (ev.target === box) input.focus(); });
    drawChips();
    if (hadFocus) input.focus({ preventScroll: true });
  }

  function enhanceAll(scope) {
    (scope || document).querySelectorAll("[data-unit-picker]").forEach(enhance);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { enhanceAll(); });
  else enhanceAll();
  // Parts of a page swapped in later (htmx) get their pickers too.
  document.addEventListener("htmx:load", function (ev) { enhanceAll(ev.target); });
})();
