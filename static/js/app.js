// flashcards: progressive enhancement only; every page works without it.
(function () {
  "use strict";
  // Preselect the browser's time zone at sign-up, adding it to the list
  // when the server does not offer it.
  document.querySelectorAll("select[data-browser-timezone]").forEach(function (select) {
    try {
      var tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
      if (!tz) return;
      var known = Array.prototype.some.call(select.options, function (o) { return o.value === tz; });
      if (!known) select.add(new Option(tz.replace(/_/g, " "), tz));
      select.value = tz;
    } catch (e) { /* keep the server's default */ }
  });

  // Ask before destructive actions marked with data-confirm.
  document.addEventListener("submit", function (ev) {
    var msg = ev.target.getAttribute && ev.target.getAttribute("data-confirm");
    if (msg && !window.confirm(msg)) ev.preventDefault();
  }, true);

  // Review keys: Space/Enter show the answer, 0-5 grade, U undoes. The
  // listener sits on the document, so it keeps working after htmx swaps.
  //
  // A page is on its way from the request that asks for it until htmx has
  // settled it (only then are its forms wired to htmx). Keys pressed
  // meanwhile are kept and played on the page that arrives, with one rule:
  // a grade applies only to the showing it was pressed on (the grade
  // form's idempotency key), so a grade never lands on a card whose answer
  // was not on screen. When the page that arrives asks for a typed answer,
  // the keys are the start of that answer, never commands.
  var pending = null; // the request under way: {form, swapped}
  var kept = []; // keys pressed while a page was on its way: {key, form}

  function reviewSection() { return document.querySelector("[data-review]"); }
  function answerBox() { return document.querySelector("[data-review] textarea#answer"); }
  // shownGrades names the showing whose grade buttons are on screen, "" for none.
  function shownGrades() {
    var k = document.querySelector('[data-review] form.grades input[name="idempotency_key"]');
    return k ? k.value : "";
  }
  function typing(t) {
    return !!t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
  }
  // focusReview puts focus where the next key belongs: the answer box when
  // there is one, else the answer once shown (Tab goes on to the grades),
  // else the button that shows it.
  function focusReview() {
    if (!reviewSection()) return;
    var el = answerBox() || document.querySelector("[data-review] .card-back") || document.getElementById("show-answer");
    if (el && document.activeElement !== el) el.focus();
  }
  // act does what key asks of the page as it is now; form names the
  // showing whose grade buttons were on screen when the key was pressed.
  // It returns the element it clicked, or null.
  function act(key, form) {
    var el = null;
    if (key === " " || key === "Enter") {
      el = document.getElementById("show-answer");
      if (!el && key === "Enter") el = document.querySelector("[data-review] button.grade.suggested");
    } else if (/^[0-5]$/.test(key)) {
      el = document.querySelector('[data-review] button[data-grade="' + key + '"]');
    } else if (key === "u" || key === "U") {
      el = document.getElementById("undo");
    }
    if (el && el.hasAttribute("data-grade") && (form === "" || form !== shownGrades())) el = null;
    if (el) el.click();
    return el;
  }
  // settled ends the request under way and plays the keys kept meanwhile.
  function settled() {
    if (!pending) return;
    pending = null;
    focusReview();
    var keys = kept;
    kept = [];
    var box = answerBox();
    if (box) {
      var text = box.value;
      keys.forEach(function (k) {
        if (k.key === "Enter") text += "\n";
        else if (k.key === "Backspace") text = text.slice(0, -1);
        else text += k.key;
      });
      if (text !== box.value) {
        box.value = text;
        box.setSelectionRange(text.length, text.length);
      }
      return;
    }
    for (var i = 0; i < keys.length; i++) {
      if (act(keys[i].key, keys[i].form)) {
        kept = keys.slice(i + 1).concat(kept); // they wait for the page this key asked for
        return;
      }
    }
  }
  document.addEventListener("htmx:beforeRequest", function () {
    pending = { form: shownGrades(), swapped: false };
  });
  document.addEventListener("htmx:beforeSwap", function (ev) {
    if (pending && ev.detail.shouldSwap) pending.swapped = true;
  });
  // A request that swaps nothing (failed to send, aborted, 204) never settles.
  document.addEventListener("htmx:afterRequest", function () {
    if (pending && !pending.swapped) settled();
  });
  document.addEventListener("htmx:afterSettle", settled);
  document.addEventListener("keydown", function (ev) {
    if (!reviewSection()) return;
    var t = ev.target;
    // Ctrl+Enter in the answer box reveals the answer.
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && t && t.tagName === "TEXTAREA") {
      var show = document.getElementById("show-answer");
      if (show) {
        ev.preventDefault();
        if (!pending) show.click();
      }
      return;
    }
    // Never while typing: a "u" in an answer is a letter, not an undo.
    if (ev.ctrlKey || ev.metaKey || ev.altKey || typing(t)) return;
    if (pending) {
      if (ev.key.length === 1 || ev.key === "Enter" || ev.key === "Backspace") {
        ev.preventDefault();
        kept.push({ key: ev.key, form: pending.form });
      }
      return;
    }
    // Enter and Space on a link or another button do what they do there.
    if ((ev.key === "Enter" || ev.key === " ") && t && t.closest && t.closest("a, button, summary") && t.id !== "show-answer") return;
    if (act(ev.key, shownGrades())) ev.preventDefault();
  });
  focusReview();
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
