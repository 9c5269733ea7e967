/* reviewkit voting: only enhances pages that work without it.
   Listen (speech synthesis) reads the page's [data-say] parts; the dots left are counted as
   the person chooses; the projector page cancels its own refresh, asks for its numbers every
   second (a 304 costs next to nothing) and reloads itself when voting opens or closes or an
   item is added. */
(function () {
  "use strict";
  var listen = document.querySelector("[data-listen]");
  if (listen && "speechSynthesis" in window && window.SpeechSynthesisUtterance) {
    listen.hidden = false;
    listen.addEventListener("click", function () {
      var parts = [];
      document.querySelectorAll("[data-say]").forEach(function (el) {
        parts.push(el.textContent.replace(/\s+/g, " ").trim());
      });
      var say = new SpeechSynthesisUtterance(parts.join(". "));
      say.lang = document.documentElement.lang;
      window.speechSynthesis.cancel();
      window.speechSynthesis.speak(say);
    });
  }

  var left = document.querySelector("[data-left]");
  if (left) {
    var boxes = document.querySelectorAll("select.dots, .dots-group input[type=checkbox]");
    var count = function () {
      var used = 0;
      boxes.forEach(function (b) {
        used += b.type === "checkbox" ? (b.checked ? 1 : 0) : parseInt(b.value, 10) || 0;
      });
      var rest = parseInt(left.getAttribute("data-max"), 10) - used;
      var text = rest >= 0 ? left.getAttribute("data-left-" + rest) : null;
      left.textContent = text || left.getAttribute("data-over");
    };
    boxes.forEach(function (b) { b.addEventListener("change", count); });
  }

  var live = document.querySelector("[data-live]");
  if (!live || !window.fetch) return;
  // The page refreshes itself (a Refresh header) for browsers without JavaScript; here the
  // numbers change in place instead, so the refresh is cancelled once the page has loaded.
  window.addEventListener("load", function () { window.stop(); });
  var tag = null;
  var ids = Array.prototype.map.call(live.querySelectorAll("[data-item]"), function (li) {
    return li.getAttribute("data-item");
  }).join(",");
  var show = function (data) {
    if (data.state !== live.getAttribute("data-state") ||
        data.items.map(function (i) { return String(i.id); }).join(",") !== ids) {
      location.reload();
      return;
    }
    live.querySelector("[data-voted]").textContent = data.voted;
    data.items.forEach(function (i) {
      var li = live.querySelector('[data-item="' + i.id + '"]');
      li.querySelector("[data-n]").textContent = i.words;
      li.querySelector("rect").setAttribute("width", i.width);
    });
  };
  var poll = function () {
    var headers = tag ? {"If-None-Match": tag} : {};
    fetch(live.getAttribute("data-live"), {headers: headers, cache: "no-store", credentials: "same-origin"})
      .then(function (r) {
        if (r.status === 200) {
          tag = r.headers.get("ETag");
          return r.json().then(show);
        }
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 1000); });
  };
  setTimeout(poll, 1000);
})();
