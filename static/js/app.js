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
})();
