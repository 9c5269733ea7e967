/* reviewkit phone journey: only enhances pages that work without it.
   Listen (speech synthesis), drafts saved while typing, a local copy, and a clear message when
   there is no signal. Re-sending is safe: the server keeps one row per answer. */
(function () {
  "use strict";
  var listen = document.querySelector("[data-listen]");
  if (listen && "speechSynthesis" in window && window.SpeechSynthesisUtterance) {
    listen.hidden = false;
    listen.addEventListener("click", function () {
      var parts = [document.getElementById("q-title").textContent.trim()];
      document.querySelectorAll(".choice label").forEach(function (l) {
        parts.push(l.textContent.trim());
      });
      var say = new SpeechSynthesisUtterance(parts.join(". "));
      say.lang = document.documentElement.lang;
      window.speechSynthesis.cancel();
      window.speechSynthesis.speak(say);
    });
  }

  var form = document.querySelector("form[data-draft]");
  if (!form) return;
  var status = form.querySelector("[data-status]");
  var field = form.querySelector("textarea#answer, input#answer[type=text]");
  var token = form.querySelector("[name=csrf_token]");
  var store = "rk:" + location.pathname;
  var say = function (key) { status.textContent = status.getAttribute("data-" + key); };
  var keep = function () { try { localStorage.setItem(store, field.value); } catch (e) {} };

  if (field) {
    var saved = null;
    try { saved = localStorage.getItem(store); } catch (e) {}
    if (saved && !field.value) { field.value = saved; say("restored"); }
    var timer;
    field.addEventListener("input", function () {
      keep();
      clearTimeout(timer);
      if (!form.getAttribute("data-draft")) return;
      timer = setTimeout(function () {
        var body = new FormData();
        body.append("answer", field.value);
        if (token) body.append("csrf_token", token.value);
        fetch(form.getAttribute("data-draft"), {method: "POST", body: body, credentials: "same-origin"})
          .then(function (r) { if (r.ok) say("saved"); })
          .catch(function () {});
      }, 1500);
    });
  }

  var native = false;
  form.addEventListener("submit", function (event) {
    if (native || !window.fetch) return;
    event.preventDefault();
    var submitter = event.submitter;
    var body = new FormData(form);
    if (submitter && submitter.name) body.append(submitter.name, submitter.value);
    fetch(form.getAttribute("action") || location.href, {method: "POST", body: body, credentials: "same-origin"})
      .then(function (r) {
        if (r.redirected) {
          try { localStorage.removeItem(store); } catch (e) {}
          location.assign(r.url);
        } else {  // a message from the server (e.g. too long): let the page show it
          native = true;
          form.requestSubmit ? form.requestSubmit(submitter) : form.submit();
        }
      })
      .catch(function () { if (field) keep(); say("offline"); });
  });
})();
