/* Review conversation: add a statement without reloading, keep typing. Without JavaScript the
   form posts and the page comes back with the cursor in the same box. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-capture]");
  if (!form || !window.fetch) return;
  var text = form.querySelector("#text");
  var status = form.querySelector("[data-status]");
  var busy = false;

  /* The server answers an add with the page as it now is. Each part of it marked data-region
     (the problem summary, the counts, the list, the box's error) takes the place of ours, so
     the page is as a reload would show it. A part marked data-region-attributes is one being
     used (the box being typed in): it stays, and takes only those attributes. The status line
     stays too (so it is read out) and takes the server's words; the form takes a fresh key. */
  function refresh(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    document.title = doc.title;
    Array.prototype.forEach.call(doc.querySelectorAll("[data-region]"), function (fresh) {
      var live = document.querySelector('[data-region="' + fresh.getAttribute("data-region") + '"]');
      if (!live) return;
      var names = fresh.getAttribute("data-region-attributes");
      if (!names) { live.replaceWith(document.importNode(fresh, true)); return; }
      names.split(" ").forEach(function (name) {
        if (fresh.hasAttribute(name)) live.setAttribute(name, fresh.getAttribute(name));
        else live.removeAttribute(name);
      });
    });
    form.querySelector("[name=key]").value = doc.querySelector("[name=key]").value;
    status.textContent = doc.querySelector("[data-status]").textContent;
  }

  form.addEventListener("submit", function (event) {
    if (!text.value.trim()) return;  // let the server say what is missing
    event.preventDefault();
    if (busy) return;  // Enter again while the first save is on its way: one statement
    busy = true;
    fetch(form.getAttribute("action") || location.href, {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: {"Accept": "text/html", "X-Requested-With": "fetch"}
    }).then(function (r) {
      if (r.status !== 201) { form.submit(); return; }
      return r.text().then(function (html) {
        text.value = "";
        text.focus();
        refresh(html);
      });
    }).catch(function () { status.textContent = form.getAttribute("data-offline") || ""; })
      .then(function () { busy = false; });
  });
})();
