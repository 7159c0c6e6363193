// flashcards: images on the card form. An image chosen with the picker,
// pasted from the clipboard or dropped on the front or back is uploaded to
// /media (the server sniffs it, strips its location data and keeps it for
// this user alone) and its Markdown, ![name](/media/<hash>.<ext>), is put
// where the cursor was. Without JavaScript the picker stays hidden and an
// image can still be referred to by its Markdown.
(function () {
  "use strict";
  var box = document.querySelector("[data-media-upload]");
  if (!box || !window.fetch || !window.FormData) return;
  var form = box.closest("form");
  var input = box.querySelector("input[type=file]");
  var status = box.querySelector("[data-media-status]");
  var areas = form.querySelectorAll("textarea[data-media-target]");
  var target = form.querySelector("textarea[name=back]") || areas[0];
  box.hidden = false;

  function csrf() {
    var f = form.querySelector("input[name=csrf]");
    return f ? f.value : "";
  }

  function say(msg, error) {
    status.textContent = msg;
    status.classList.toggle("error", !!error);
  }

  // insert puts text at the textarea's cursor, on a line of its own, and
  // tells the form (the preview listens for input).
  function insert(area, text) {
    var start = area.selectionStart, end = area.selectionEnd;
    if (typeof start !== "number") { start = end = area.value.length; }
    var before = area.value.slice(0, start), after = area.value.slice(end);
    if (before && !/\n$/.test(before)) text = "\n" + text;
    if (after && !/^\n/.test(after)) text = text + "\n";
    area.value = before + text + after;
    var at = (before + text).length;
    area.setSelectionRange(at, at);
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function upload(files, area) {
    var images = Array.prototype.filter.call(files, function (f) { return /^image\//.test(f.type) || f.type === ""; });
    if (!images.length) return false;
    var pending = images.length;
    say(pending === 1 ? "Uploading the image…" : "Uploading " + pending + " images…", false);
    var chain = Promise.resolve();
    images.forEach(function (file) {
      chain = chain.then(function () {
        var body = new FormData();
        body.append("file", file, file.name || "pasted image.png");
        return fetch("/media", {
          method: "POST", body: body, credentials: "same-origin",
          headers: { "X-CSRF-Token": csrf(), "Accept": "application/json" }
        }).then(function (resp) {
          return resp.json().catch(function () { return {}; }).then(function (j) {
            if (resp.ok && j.markdown) {
              insert(area, j.markdown);
              say("Added " + (j.name || "the image") + ".", false);
              return;
            }
            var msg = j.error;
            if (!msg && resp.status === 413) msg = "The image is too large to upload.";
            if (!msg && resp.status === 403) msg = "The page has expired. Reload it and try again.";
            say(msg || "The image could not be uploaded (error " + resp.status + ").", true);
          });
        }, function () {
          say("The image could not be uploaded: the server did not answer.", true);
        });
      });
    });
    return true;
  }

  Array.prototype.forEach.call(areas, function (area) {
    area.addEventListener("focus", function () { target = area; });
    area.addEventListener("paste", function (ev) {
      var files = ev.clipboardData && ev.clipboardData.files;
      if (files && files.length && upload(files, area)) ev.preventDefault();
    });
    area.addEventListener("dragover", function (ev) {
      if (ev.dataTransfer && Array.prototype.indexOf.call(ev.dataTransfer.types, "Files") >= 0) {
        ev.preventDefault();
        area.classList.add("drop-target");
      }
    });
    area.addEventListener("dragleave", function () { area.classList.remove("drop-target"); });
    area.addEventListener("drop", function (ev) {
      area.classList.remove("drop-target");
      var files = ev.dataTransfer && ev.dataTransfer.files;
      if (files && files.length && upload(files, area)) {
        ev.preventDefault();
        target = area;
      }
    });
  });

  input.addEventListener("change", function () {
    if (input.files && input.files.length) upload(input.files, target);
    input.value = "";
  });
})();
