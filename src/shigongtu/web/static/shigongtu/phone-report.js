/* The phone report form: a draft that survives losing the connection.
 *
 * Text fields are kept in localStorage as they are typed; a submission that cannot reach the server
 * (offline, or the request fails on the network) is kept whole in IndexedDB, photos included, and sent
 * again when the browser says it is back online (and on the next visit). The browser's position is
 * asked once and sent with the photos (lng/lat, WGS84). No library: plain DOM, fetch and IndexedDB.
 */
(function () {
  "use strict";
  var form = document.getElementById("phone-form");
  if (!form) return;
  var status = document.getElementById("phone-status");
  var errors = document.getElementById("phone-errors");
  var key = form.getAttribute("data-draft-key");
  var FIELDS = ["period", "amount", "progress_pct", "progress_text", "next_steps"];
  var DB = "shigongtu-phone", STORE = "pending";

  function say(kind, text) {
    status.textContent = text || status.getAttribute("data-" + kind) || "";
    status.classList.toggle("is-offline", kind === "offline" || kind === "queued");
    if (status.textContent) status.scrollIntoView({block: "center", behavior: "smooth"});
  }
  function showErrors(list) {
    errors.innerHTML = "";
    if (!list || !list.length) { errors.hidden = true; return; }
    var ul = document.createElement("ul");
    ul.className = "phone-errors";
    list.forEach(function (e) { var li = document.createElement("li"); li.textContent = e.message; ul.appendChild(li); });
    errors.className = "flash flash--error";
    errors.appendChild(ul);
    errors.hidden = false;
  }

  // -- the text draft (localStorage) --------------------------------------------------------
  function saveDraft() {
    var draft = {};
    FIELDS.forEach(function (name) { if (form.elements[name]) draft[name] = form.elements[name].value; });
    try { localStorage.setItem(key, JSON.stringify(draft)); } catch (e) { /* private mode: no draft */ }
  }
  function restoreDraft() {
    var raw = null;
    try { raw = localStorage.getItem(key); } catch (e) { return; }
    if (!raw) return;
    var draft = JSON.parse(raw), restored = false;
    FIELDS.forEach(function (name) {
      var el = form.elements[name];
      if (el && draft[name] && !el.value) { el.value = draft[name]; restored = true; }
    });
    if (restored) say("restored");
  }
  function clearDraft() { try { localStorage.removeItem(key); } catch (e) { /* nothing kept */ } }

  // -- the whole submission waiting to be sent (IndexedDB keeps the photos as Blobs) --------
  function withStore(mode, work) {
    return new Promise(function (resolve, reject) {
      if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
      var open = indexedDB.open(DB, 1);
      open.onupgradeneeded = function () { open.result.createObjectStore(STORE); };
      open.onerror = function () { reject(open.error); };
      open.onsuccess = function () {
        var tx = open.result.transaction(STORE, mode);
        var req = work(tx.objectStore(STORE));
        tx.oncomplete = function () { resolve(req && req.result); };
        tx.onerror = function () { reject(tx.error); };
      };
    });
  }
  function entriesOf(data) {
    var out = [];
    data.forEach(function (value, name) { out.push([name, value, value instanceof File ? value.name : null]); });
    return out;
  }
  function dataOf(entries) {
    var data = new FormData();
    entries.forEach(function (e) { if (e[2] !== null) data.append(e[0], e[1], e[2]); else data.append(e[0], e[1]); });
    return data;
  }
  function queue(data) { return withStore("readwrite", function (s) { return s.put(entriesOf(data), key); }); }
  function pending() { return withStore("readonly", function (s) { return s.get(key); }); }
  function unqueue() { return withStore("readwrite", function (s) { return s.delete(key); }); }

  // -- sending ------------------------------------------------------------------------------
  function send(data) {
    // (form.action would be the buttons named "action"; the attribute is the URL)
    return fetch(form.getAttribute("action"), {method: "POST", body: data, credentials: "same-origin",
                                               headers: {"Accept": "application/json"}})
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        if (!json) {  // the server answered, but not the form's answer (signed out, refused): not a network loss
          return {status: response.status, body: {ok: false, errors: [{message: status.getAttribute("data-failed") +
                                                                      " (HTTP " + response.status + ")"}]}};
        }
        return response.json().then(function (body) { return {status: response.status, body: body}; });
      });
  }
  function handle(result) {
    if (result.body.ok) {
      clearDraft();
      unqueue().catch(function () {});
      showErrors([]);
      say("ok", result.body.message);
      form.reset();
      document.getElementById("phone-photo-list").innerHTML = "";
      locate();
    } else {
      unqueue().catch(function () {});
      showErrors(result.body.errors);
      say("ok", "");
      errors.scrollIntoView({block: "center", behavior: "smooth"});
    }
  }
  function submit(data) {
    if (!navigator.onLine) {
      return queue(data).then(function () { say("offline"); });
    }
    return send(data).then(handle, function () {
      return queue(data).then(function () { say("queued"); });
    });
  }
  var resending = false;  // the browser's "online" and a page load may both ask: send once
  function resend() {
    if (!navigator.onLine || resending) return;
    resending = true;
    pending().then(function (entries) {
      if (!entries) { resending = false; return; }
      say("resending");
      send(dataOf(entries)).then(handle, function () { say("queued"); })
        .then(function () { resending = false; }, function () { resending = false; });
    }).catch(function () { resending = false; });
  }

  // -- position ------------------------------------------------------------------------------
  function locate() {
    if (!navigator.geolocation) return;
    navigator.geolocation.getCurrentPosition(function (pos) {
      document.getElementById("phone-lng").value = pos.coords.longitude.toFixed(7);
      document.getElementById("phone-lat").value = pos.coords.latitude.toFixed(7);
    }, function () { /* denied or unavailable: photos are judged by their own EXIF */ },
    {enableHighAccuracy: true, timeout: 15000, maximumAge: 60000});
  }

  form.addEventListener("input", saveDraft);
  document.getElementById("phone-photos").addEventListener("change", function (event) {
    var list = document.getElementById("phone-photo-list");
    var shown = document.getElementById("phone-photo-count");
    if (shown) shown.textContent = event.target.files.length ? shown.getAttribute("data-some").replace("%n", event.target.files.length) : "";
    list.innerHTML = "";
    Array.prototype.forEach.call(event.target.files, function (file) {
      var li = document.createElement("li");
      li.textContent = file.name + " · " + Math.round(file.size / 1024) + " KB";
      list.appendChild(li);
    });
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = new FormData(form);
    var button = event.submitter;
    data.set("action", button && button.value ? button.value : "submit");
    saveDraft();
    submit(data);
  });
  window.addEventListener("online", resend);
  window.addEventListener("offline", function () { say("offline"); });
  restoreDraft();
  locate();
  resend();
}());
