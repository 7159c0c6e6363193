// flashcards: progressive enhancement only; every page works without it.
(function () {
  "use strict";
  // Preset the time zone field at sign-up from the browser.
  document.querySelectorAll("input[data-browser-timezone]").forEach(function (input) {
    try {
      var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (tz && !input.value) input.value = tz;
    } catch (e) { /* keep the server's default */ }
  });

  // Ask before destructive actions marked with data-confirm.
  document.addEventListener("submit", function (ev) {
    var msg = ev.target.getAttribute && ev.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) ev.preventDefault();
  }, true);

  // Review keys: Space/Enter show the answer, 0-5 grade, U undoes. The
  // listener sits on the document, so it keeps working after htmx swaps.
  var busy = false;
  document.addEventListener("htmx:beforeRequest", function () { busy = true; });
  // A request that failed to send swaps nothing and never settles.
  document.addEventListener("htmx:sendError", function () { busy = false; });
  document.addEventListener("htmx:afterSettle", function () {
    busy = false;
    var show = document.getElementById("show-answer");
    if (show) show.focus();
  });
  document.addEventListener("keydown", function (ev) {
    if (!document.querySelector("[data-review]")) return;
    var t = ev.target;
    // Ctrl+Enter in the answer box reveals the answer.
    if (t && t.tagName === "TEXTAREA" && ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
      var show = document.getElementById("show-answer");
      if (show) { ev.preventDefault(); show.click(); }
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable)) return;
    if (busy) { ev.preventDefault(); return; }
    var el = null;
    if (ev.key === " " || ev.key === "Enter") {
      el = document.getElementById("show-answer");
      if (!el && ev.key === "Enter") return; // let Enter activate a focused button
    } else if (/^[0-5]$/.test(ev.key)) {
      el = document.querySelector('button[data-grade="' + ev.key + '"]');
    } else if (ev.key === "u" || ev.key === "U") {
      el = document.getElementById("undo");
    }
    if (el) {
      ev.preventDefault();
      el.click();
    }
  });
  // Mock interview: count the time left down every second.
  setInterval(function () {
    document.querySelectorAll(".countdown[data-deadline]").forEach(function (el) {
      var left = Math.max(0, Math.round((Number(el.getAttribute("data-deadline")) - Date.now()) / 1000));
      el.textContent = Math.floor(left / 60) + ":" + String(left % 60).padStart(2, "0");
    });
  }, 1000);
})();

// ---- Card browser (issue 18): "Select all on this page" checks the page's
// boxes in place instead of loading the page again with them checked.
(function () {
  "use strict";
  document.addEventListener("click", function (ev) {
    var link = ev.target.closest && ev.target.closest("a[data-select-all], a[data-select-none]");
    if (!link) return;
    var boxes = document.querySelectorAll('input[type="checkbox"][name="id"][form="bulk"]');
    if (!boxes.length) return;
    ev.preventDefault();
    var all = link.hasAttribute("data-select-all");
    boxes.forEach(function (b) { b.checked = all; });
    // The link now offers the other way.
    if (all) {
      link.removeAttribute("data-select-all");
      link.setAttribute("data-select-none", "");
      link.textContent = "Clear the choice";
    } else {
      link.removeAttribute("data-select-none");
      link.setAttribute("data-select-all", "");
      link.textContent = "Select all on this page";
    }
  });
})();
