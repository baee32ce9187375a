/* The ledger upload's progress bar (a static file: the Content-Security-Policy allows no inline script). */
document.body.addEventListener("htmx:xhr:progress", function (evt) {
  var bar = document.getElementById("upload-progress");
  var status = document.getElementById("upload-status");
  if (!bar || !evt.detail.lengthComputable) return;
  var done = evt.detail.loaded >= evt.detail.total;
  bar.hidden = false;
  bar.value = evt.detail.loaded / evt.detail.total * 100;
  status.hidden = false;
  status.textContent = done ? status.dataset.checking
    : status.dataset.sending + " " + Math.round(bar.value) + "%";
});
document.body.addEventListener("htmx:beforeRequest", function (evt) {
  if (evt.detail.elt.id === "upload-form") evt.detail.elt.querySelector("button[type=submit]").disabled = true;
});
document.body.addEventListener("htmx:afterRequest", function (evt) {
  if (evt.detail.elt.id !== "upload-form") return;
  evt.detail.elt.querySelector("button[type=submit]").disabled = false;  // (on success the page changes)
  var status = document.getElementById("upload-status");
  if (!evt.detail.successful) status.hidden = true;
});
