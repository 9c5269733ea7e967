/* reviewkit phone journey: only enhances pages that work without it.
   Listen (speech synthesis), drafts saved while typing, a copy on the phone of what is not
   saved yet, and a clear message when there is no signal. Re-sending is safe: the server
   keeps one row per answer. */
(function () {
  "use strict";
  var listen = document.querySelector("[data-listen]");
  var lang = document.documentElement.lang;
  // A voice for the page's language, when the phone says which voices it has (none listed
  // yet: the browser's own choice). Urdu read by an English voice is no help: no button then.
  var voice = function (code) {
    code = code || lang;
    var voices = window.speechSynthesis.getVoices() || [];
    var mine = voices.filter(function (v) {
      return (v.lang || "").toLowerCase().split(/[-_]/)[0] === code;
    });
    return voices.length && !mine.length ? false : (mine[0] || null);
  };
  // The language a part of the page is in: words not translated yet are marked (lang="en")
  // on the part itself or on all the words inside it.
  var langOf = function (el, text) {
    var inner = el.querySelector("[lang]");
    if (inner && inner.textContent.replace(/\s+/g, " ").trim() === text) return inner.lang;
    return (el.closest("[lang]") || document.documentElement).lang;
  };
  if (listen && "speechSynthesis" in window && window.SpeechSynthesisUtterance) {
    var offer = function () { listen.hidden = voice() === false; };
    offer();
    if (window.speechSynthesis.addEventListener) {
      window.speechSynthesis.addEventListener("voiceschanged", offer);
    }
    listen.addEventListener("click", function () {
      // What the page says, in order: the heading, its hints, and each choice; each run of
      // parts in one language said in that language (an English question not translated yet
      // is not read out by an Arabic voice).
      var runs = [];
      document.querySelectorAll("#q-title, [data-speak], .choice label").forEach(function (el) {
        var text = el.textContent.replace(/\s+/g, " ").trim();
        if (!text) return;
        var code = langOf(el, text);
        var last = runs[runs.length - 1];
        if (last && last.lang === code) last.parts.push(text);
        else runs.push({lang: code, parts: [text]});
      });
      window.speechSynthesis.cancel();
      runs.forEach(function (run) {
        var say = new SpeechSynthesisUtterance(run.parts.join(". "));
        say.lang = run.lang;
        if (voice(run.lang)) say.voice = voice(run.lang);
        window.speechSynthesis.speak(say);
      });
    });
  }

  // A form whose page may be left without signal: pressing its button sends it in the page,
  // so that with no signal the page stays, with what was typed, and says so.
  document.querySelectorAll("main form[data-guard]").forEach(guard);

  function guard(form) {
    var status = form.querySelector("[data-status]");
    var say = function (key) {
      if (!status) return;
      status.textContent = status.getAttribute("data-" + key) || "";
      // the bank's own too-long message, not translated yet, is said in its language
      var lang = status.getAttribute("data-" + key + "-lang");
      if (lang) {
        status.setAttribute("lang", lang);
        status.setAttribute("dir", "ltr");
      } else {
        status.removeAttribute("lang");
        status.removeAttribute("dir");
      }
      // not saved, no signal, too long: not in the green of "saved"
      status.classList.toggle("warn", key === "offline" || key === "unsaved" || key === "long");
    };
    var field = form.querySelector("textarea#answer, input#answer[type=text]");
    var token = form.querySelector("[name=csrf_token]");
    var draft = form.getAttribute("data-draft");
    // The copy on this phone of what is typed and not yet saved on the server: kept while
    // typing, dropped once the server has the same text.
    var store = "rk:" + location.pathname;
    var local = function () { try { return localStorage.getItem(store); } catch (e) { return null; } };
    var keep = function () { try { localStorage.setItem(store, field.value); } catch (e) {} };
    var drop = function () { try { localStorage.removeItem(store); } catch (e) {} };

    var saveDraft = function () {
      var sent = field.value;
      var body = new FormData();
      body.append("answer", sent);
      if (token) body.append("csrf_token", token.value);
      fetch(draft, {method: "POST", body: body, credentials: "same-origin"})
        .then(function (r) {
          if (!r.ok) return;  // refused (too long…): Continue shows why; the copy stays
          if (field.value === sent) drop();
          say("saved");
        })
        .catch(function () { say("unsaved"); });
    };

    if (field) {
      var before = local();
      // A NUL (it comes with some pasted text) is taken out by the server, which says so:
      // not put back from this copy, or Continue would be refused again and again.
      if (before !== null) before = before.replace(/\u0000/g, "");
      if (field.value !== field.defaultValue) {
        // Typed on this page before this script ran (a slow phone): newer than any copy.
        keep();
        if (draft) saveDraft();
      } else if (before !== null && before !== field.value) {
        // What was typed here and never reached the server (the signal dropped, the tab was
        // closed): newer than what the server has, so it is brought back, and saved.
        field.value = before;
        say("restored");
        if (draft) saveDraft();
      } else if (before !== null) {
        drop();
      }
      var timer;
      var max = parseInt(field.getAttribute("data-max"), 10);
      var long = false;
      field.addEventListener("input", function () {
        keep();
        // Too long is said as it happens (a paste, not only at Continue); nothing is cut.
        if (max && (field.value.length > max) !== long) {
          long = !long;
          if (long) say("long");
          else if (status.textContent === status.getAttribute("data-long")) say("none");
        }
        clearTimeout(timer);
        if (draft) timer = setTimeout(saveDraft, 1500);
      });
      window.addEventListener("online", function () {
        if (draft && local() !== null) saveDraft();
      });
    }

    var native = false;
    form.addEventListener("submit", function (event) {
      if (native || !window.fetch) return;
      event.preventDefault();
      var submitter = event.submitter;
      var body = new FormData(form);
      if (submitter && submitter.name) body.append(submitter.name, submitter.value);
      fetch(form.getAttribute("action") || location.href,
            {method: "POST", body: body, credentials: "same-origin",
             headers: {"X-Requested-With": "respond.js"}})
        .then(function (r) {
          var type = r.headers.get("Content-Type") || "";
          if (r.ok && type.indexOf("application/json") === 0) {  // saved: where to go next
            return r.json().then(function (data) {
              if (field) drop();
              location.assign(data.next);
            });
          }
          // a message from the server (too long, already sent…): let the page show it
          native = true;
          form.requestSubmit ? form.requestSubmit(submitter) : form.submit();
        })
        .catch(function () { if (field) keep(); say("offline"); });
    });
  }
})();
