// flashcards: typesets the math in card text with KaTeX. The server marks
// it as <span class="math inline">, <span class="math display"> or
// <div class="math display"> holding the TeX source, which is what shows
// without JavaScript. KaTeX (static/katex, served by us) is loaded only
// once a page, or a part htmx swaps in, has math.
(function () {
  "use strict";
  var me = document.currentScript;
  var katexURL = me && me.getAttribute("data-katex");
  var waiting = null; // callbacks until KaTeX has loaded

  function withKatex(fn) {
    if (window.katex) { fn(window.katex); return; }
    if (!katexURL) return;
    if (!waiting) {
      waiting = [];
      var s = document.createElement("script");
      s.src = katexURL;
      s.onload = function () {
        var fns = waiting;
        waiting = null;
        fns.forEach(function (f) { f(window.katex); });
      };
      s.onerror = function () { waiting = null; }; // the TeX source stays shown
      document.head.appendChild(s);
    }
    waiting.push(fn);
  }

  function typeset(root) {
    if (!root || !root.querySelectorAll) return;
    var els = Array.prototype.slice.call(root.querySelectorAll("span.math, div.math"));
    if (root.matches && root.matches("span.math, div.math")) els.push(root);
    els = els.filter(function (el) { return !el.hasAttribute("data-typeset"); });
    if (els.length === 0) return;
    withKatex(function (katex) {
      els.forEach(function (el) {
        if (el.hasAttribute("data-typeset")) return;
        var tex = el.textContent;
        try {
          katex.render(tex, el, {
            displayMode: el.classList.contains("display"),
            throwOnError: false, // a TeX error shows the source in red, not nothing
            strict: "ignore",
            trust: false, // no \href, \url, \includegraphics or \html...
            maxSize: 20,
            maxExpand: 1000
          });
          el.setAttribute("data-typeset", "");
        } catch (e) { /* keep the source */ }
      });
    });
  }

  typeset(document);
  // New content from htmx: the next review card, the editor's preview.
  document.addEventListener("htmx:load", function (ev) { typeset(ev.detail && ev.detail.elt); });
})();
