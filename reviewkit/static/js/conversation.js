/* Review conversation: add a statement without reloading, keep typing. Without JavaScript the
   form posts and the page comes back with the cursor in the same box. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-capture]");
  if (!form || !window.fetch) return;
  var text = form.querySelector("#text");
  var list = document.querySelector("[data-list]");
  var status = form.querySelector("[data-status]");
  var busy = false;
  function newKey() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }
  form.addEventListener("submit", function (event) {
    if (!text.value.trim()) return;  // let the server say what is missing
    event.preventDefault();
    if (busy) return;  // Enter again while the first save is on its way: one statement
    busy = true;
    var said = text.value;
    fetch(form.getAttribute("action") || location.href, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: {"Accept": "application/json"}
    }).then(function (r) {
      if (r.status !== 201) { form.submit(); return; }
      return r.json().then(function () {
        // A fresh key for the next statement, then reload the list quietly so edit/delete
        // links are there; the typing goes on.
        form.querySelector("[name=key]").value = newKey();
        busy = false;
        text.value = "";
        text.focus();
        status.textContent = said;
        return fetch(location.href, {credentials: "same-origin"}).then(function (p) { return p.text(); })
          .then(function (html) {
            var doc = new DOMParser().parseFromString(html, "text/html");
            var fresh = doc.querySelector("[data-list]");
            if (fresh && list) { list.innerHTML = fresh.innerHTML; }
          });
      });
    }).catch(function () { status.textContent = form.getAttribute("data-offline") || ""; })
      .then(function () { busy = false; });
  });
})();
