// flashcards: tag suggestions in a field of several tags (data-tags).
// A <datalist> suggests whole values; this puts the tags typed so far in
// front of each suggestion, so that it completes the tag being typed.
// Without it the list still completes the first tag.
(function () {
  "use strict";
  document.querySelectorAll("input[data-tags]").forEach(function (input) {
    var list = document.getElementById(input.getAttribute("list") || "");
    if (!list) return;
    var tags = Array.prototype.map.call(list.options, function (o) {
      return { value: o.value, label: o.textContent };
    });
    function refresh() {
      var v = input.value;
      var cut = Math.max(v.lastIndexOf(" "), v.lastIndexOf(","));
      var head = v.slice(0, cut + 1), word = v.slice(cut + 1).toLowerCase();
      var have = {};
      head.split(/[\s,]+/).forEach(function (t) { if (t) have[t.toLowerCase()] = true; });
      var options = [];
      tags.forEach(function (t) {
        var low = t.value.toLowerCase();
        if (have[low] || low.indexOf(word) < 0) return;
        var o = document.createElement("option");
        o.value = head + t.value;
        o.textContent = t.label;
        options.push(o);
      });
      list.replaceChildren.apply(list, options);
    }
    input.addEventListener("input", refresh);
    input.addEventListener("focus", refresh);
  });
})();
