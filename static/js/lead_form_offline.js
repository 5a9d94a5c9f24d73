// The offline lead form (/leads/new/). Online, the browser posts the form as usual, with a fresh
// idempotency key. Offline, a submitted lead is kept in IndexedDB with its own key and the page
// says how many wait; the page sends them itself when the network returns (the "online" event, on
// load, and every RETRY_MS), one at a time, and forgets an entry only once the server answered it.
// A send whose answer was lost is sent again with the same key: the server answers it as the
// first time, without a second lead. A lead the server refuses stays, marked for the rep to fix.
// The service worker (/leads/sw.js) keeps the page itself available offline, and keeps a form the
// browser posted while the server could not be reached (this page then claims and sends it).
(function () {
  "use strict";

  var form = document.getElementById("lead-form");
  var panel = document.getElementById("offline-queue");
  if (!form || !panel) return;

  var RETRY_MS = 15000;
  var CREATED = /^\/leads\/\d+\/$/;  // where a created (or replayed) lead redirects to
  var owner = panel.getAttribute("data-owner");  // "user:team": the queue is per account
  var keyField = form.querySelector("input[name=idempotency_key]");
  var statusLine = panel.querySelector("[data-offline-status]");
  var countLine = panel.querySelector("[data-queue-count]");
  var attentionHead = panel.querySelector("[data-queue-attention-head]");
  var attentionList = panel.querySelector("[data-queue-attention]");
  var syncing = false;
  var notice = "";

  var queue = LeadQueue;  // static/js/lead_queue.js, loaded before this file
  var newKey = queue.newKey;
  var keep = queue.keep;
  var forget = queue.forget;

  function ownEntries() {
    return queue.all().then(function (all) {
      return all.filter(function (e) { return e.owner === owner; });
    });
  }

  // Forms the service worker kept while the server could not be reached were posted from this page's
  // account (the page is the one they were posted from, or its cached copy): they are ours to send.
  function claimUnclaimed() {
    return queue.all().then(function (all) {
      return Promise.all(all.filter(function (e) { return e.owner === queue.UNCLAIMED; }).map(function (e) {
        e.owner = owner;
        return keep(e);
      }));
    });
  }

  // --- what the rep sees ------------------------------------------------------------------------
  function plural(n, one, many) { return n + " " + (n === 1 ? one : many); }

  function render() {
    return ownEntries().then(function (entries) {
      var pending = entries.filter(function (e) { return e.state === "pending"; });
      var attention = entries.filter(function (e) { return e.state === "attention"; });
      panel.setAttribute("data-pending", String(pending.length));
      panel.setAttribute("data-attention", String(attention.length));
      panel.setAttribute("data-syncing", String(syncing));
      countLine.textContent = pending.length ? plural(pending.length, "lead", "leads") + " waiting to sync" : "";
      statusLine.textContent = !navigator.onLine
        ? "You are offline. New leads are kept on this device and sent when the connection returns."
        : notice || (syncing && pending.length ? "Sending…" : "");
      attentionList.textContent = "";
      attention.forEach(function (e) {
        var item = document.createElement("li");
        var name = document.createElement("strong");
        name.textContent = e.label;
        var why = document.createElement("span");
        why.className = "error";
        why.textContent = " " + e.errors.join(" ");
        item.append(name, why, " ", button("edit", e.key, "Fix in the form"), " ", button("discard", e.key, "Discard"));
        attentionList.append(item);
      });
      attentionHead.textContent = attention.length
        ? plural(attention.length, "lead needs", "leads need") + " your attention:" : "";
      [statusLine, countLine, attentionHead].forEach(function (line) { line.hidden = !line.textContent; });
      panel.hidden = !pending.length && !attention.length && navigator.onLine && !notice;
    });
  }

  function button(action, key, text) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "small";
    b.setAttribute("data-queue-action", action);
    b.setAttribute("data-key", key);
    b.textContent = text;
    return b;
  }

  // --- entering a lead offline ------------------------------------------------------------------
  function focusFirstField() {
    var first = form.querySelector("input:not([type=hidden]), select");
    if (first) first.focus();
  }

  var fixing = null;  // the key of a refused entry loaded into the form: it leaves the queue when the form is sent

  form.addEventListener("submit", function (event) {
    if (navigator.onLine) {
      if (!fixing) return;  // online: the browser posts the form, with its key
      event.preventDefault();
      var fixed = fixing;
      fixing = null;
      forget(fixed).then(function () { form.submit(); });
      return;
    }
    event.preventDefault();
    var queued = queue.entryOf(new FormData(form), owner);
    var replaced = fixing;
    fixing = null;
    keep(queued).then(function () {
      return replaced && forget(replaced);
    }).then(function () {
      form.reset();
      form.querySelectorAll(".error").forEach(function (el) { el.textContent = ""; });
      keyField.value = newKey();
      focusFirstField();
      return render();
    });
  });

  // A refused lead goes into the form for the rep to fix and send again (a new key: a new send); it
  // stays listed until then, so leaving the page loses nothing.
  panel.addEventListener("click", function (event) {
    var target = event.target.closest("[data-queue-action]");
    if (!target) return;
    var key = target.getAttribute("data-key");
    if (target.getAttribute("data-queue-action") === "edit") {
      queue.get(key).then(function (e) {
        if (!e) return;
        form.reset();
        e.fields.forEach(function (f) {
          var input = form.elements.namedItem(f[0]);
          if (!input) return;
          if (input.type === "checkbox") input.checked = true;
          else input.value = f[1];
        });
        fixing = key;
        keyField.value = newKey();
        focusFirstField();
      });
    } else {
      forget(key).then(render);
    }
  });

  // --- sending what waits -----------------------------------------------------------------------
  // A fresh CSRF token and the logged-in account: the page may be an old copy from the cache.
  function session() {
    return fetch(panel.getAttribute("data-session-url"), {
      credentials: "same-origin", cache: "no-store", headers: { Accept: "application/json" },
    }).then(function (response) {
      if (response.status === 401) {
        notice = "Log in again to send the leads waiting on this device.";
        return null;
      }
      if (!response.ok) throw new Error("session check answered " + response.status);
      return response.json().then(function (data) {
        if (data.owner === owner) return data;
        notice = "The leads waiting on this device were entered by another account: log in as it to send them.";
        return null;
      });
    });
  }

  // The server's reasons for a 422, read from its page as text (never inserted as markup).
  function reasonsIn(html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var reasons = [];
    doc.querySelectorAll("[id^=error-]").forEach(function (el) {
      var text = el.textContent.trim();
      if (!text) return;
      var label = doc.querySelector("label[for=id_" + el.id.slice(6) + "]");
      reasons.push((label ? label.textContent.trim() + ": " : "") + text);
    });
    doc.querySelectorAll(".error[role=alert]:not([id]), [data-duplicates]").forEach(function (el) {
      var text = el.textContent.replace(/\s+/g, " ").trim();
      if (text) reasons.push(text);
    });
    return reasons.length ? reasons : ["The server refused this lead."];
  }

  // Send one entry. Resolves true to go on with the next, false to stop until the next attempt.
  function send(queued, csrf) {
    var body = new URLSearchParams();
    queued.fields.forEach(function (f) { body.append(f[0], f[1]); });
    body.append("idempotency_key", queued.key);
    return fetch(panel.getAttribute("data-post-url"), {
      method: "POST", body: body, credentials: "same-origin", headers: { "X-CSRFToken": csrf },
    }).then(function (response) {
      var path = new URL(response.url).pathname;
      // created (or answered as created before); the lead's own page may since have gone (merged, deleted)
      if (response.redirected && CREATED.test(path)) {
        return forget(queued.key).then(function () { return render(); }).then(function () { return true; });
      }
      if (response.status === 422) {
        return response.text().then(function (html) {
          queued.state = "attention";
          queued.errors = reasonsIn(html);
          return keep(queued);
        }).then(function () { return true; });
      }
      if (response.redirected && path.indexOf("/accounts/login/") === 0) {
        notice = "Log in again to send the leads waiting on this device.";
      }
      return false;  // 403, 5xx, a login page: keep it and try again later
    });
  }

  function sync() {
    if (syncing || !navigator.onLine) return Promise.resolve();
    syncing = true;
    notice = "";
    return ownEntries().then(function (entries) {
      var pending = entries.filter(function (e) { return e.state === "pending"; });
      if (!pending.length) return null;
      return render().then(session).then(function (current) {
        if (!current) return null;
        // One at a time, oldest first; stop at the first that cannot be sent.
        return pending.reduce(function (chain, queued) {
          return chain.then(function (goOn) { return goOn && send(queued, current.csrf); });
        }, Promise.resolve(true));
      });
    }).catch(function () {
      // The network dropped again or the server is away: everything unsent is still queued,
      // and the next "online" event or retry sends it.
      if (navigator.onLine) notice = "The server cannot be reached: the leads wait on this device and are sent when it answers.";
    }).then(function () {
      syncing = false;
      return render();
    });
  }

  // --- wiring -------------------------------------------------------------------------------------
  keyField.value = newKey();
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) keyField.value = newKey();  // back from the cache: this form was maybe sent
  });
  window.addEventListener("online", sync);
  window.addEventListener("offline", render);
  setInterval(sync, RETRY_MS);
  claimUnclaimed().then(render).then(sync);

  if ("serviceWorker" in navigator) {
    var markReady = function () {
      if (navigator.serviceWorker.controller) panel.setAttribute("data-offline-ready", "true");
    };
    navigator.serviceWorker.addEventListener("controllerchange", markReady);
    navigator.serviceWorker.register(panel.getAttribute("data-worker-url"), {
      scope: panel.getAttribute("data-worker-scope"),
    }).then(function () { return navigator.serviceWorker.ready; }).then(markReady, function (error) {
      // The form still works online; it just cannot open without a network until a later visit installs it.
      console.warn("The offline lead form is not available:", error);
    });
  }
})();
