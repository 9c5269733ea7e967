/* Background job progress: with JavaScript, the status updates itself every few seconds in
   place (no page reload, announced politely); without it, the person follows the link. */
(function () {
  "use strict";
  var box = document.querySelector("[data-job][data-poll]");
  if (!box || !window.fetch) return;
  function check() {
    fetch(location.href, {credentials: "same-origin"}).then(function (r) { return r.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html").querySelector("[data-job]");
        if (!fresh) return;
        box.innerHTML = fresh.innerHTML;
        if (fresh.hasAttribute("data-poll")) { setTimeout(check, 3000); }
      }).catch(function () { setTimeout(check, 10000); });
  }
  setTimeout(check, 3000);
})();
