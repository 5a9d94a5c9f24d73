// Service worker of the offline lead form, served at /leads/sw.js with the scope /leads/new/
// (leads/views_offline.py puts QUEUE_SCRIPT, the queue module's URL, before this code).
// It keeps the form page and the static files it names, so the page opens without a network:
// network first (a fresh page, a fresh CSRF token), this cache when the network fails.
// Sending is the page's business: it queues what is entered offline in IndexedDB and replays it
// itself (Background Sync is Chrome-only). The worker only catches a form the browser posted while
// the browser thought it was online but the server could not be reached: it keeps it in the queue,
// under the key the page gave it (the post may have reached the server), and shows the form again.
"use strict";

importScripts(QUEUE_SCRIPT);  // LeadQueue

var CACHE = "lead-form-shell-v2";
var PAGE = new URL(self.registration.scope).pathname;  // "/leads/new/"

// A page worth keeping: the logged-in form itself, not a login page we were redirected to.
function isShell(response) {
  return response.status === 200 && !response.redirected && response.type === "basic";
}

// Same-origin scripts and stylesheets the page names (our own markup, so a pattern is enough).
function assetsOf(html) {
  var urls = [];
  var tags = html.match(/<(script|link)\b[^>]*>/gi) || [];
  tags.forEach(function (tag) {
    if (/^<link/i.test(tag) && !/\brel="stylesheet"/i.test(tag)) return;
    var found = /\s(?:src|href)="([^"]+)"/i.exec(tag);
    if (!found) return;
    var url = new URL(found[1].replace(/&amp;/g, "&"), self.location.origin + PAGE);
    if (url.origin === self.location.origin) urls.push(url.pathname + url.search);
  });
  return urls;
}

// Keep the page and its assets; the page goes in last, so a cached page never lacks its assets,
// and assets no page names any more are dropped.
function keepShell(response) {
  return Promise.all([caches.open(CACHE), response.clone().text()]).then(function (opened) {
    var cache = opened[0];
    var assets = assetsOf(opened[1]);
    return Promise.all(assets.map(function (url) {
      return cache.match(url).then(function (hit) { return hit || cache.add(url); });
    })).then(function () {
      return cache.put(PAGE, response);
    }).then(function () {
      return cache.keys();
    }).then(function (requests) {
      var wanted = assets.concat([PAGE]);
      return Promise.all(requests.map(function (request) {
        var url = new URL(request.url);
        return wanted.indexOf(url.pathname + url.search) === -1 ? cache.delete(request) : null;
      }));
    });
  });
}

self.addEventListener("install", function (event) {
  // No page to keep (offline, or logged out) fails the install; the next visit to the form tries again.
  event.waitUntil(fetch(PAGE, { credentials: "same-origin" }).then(function (response) {
    if (!isShell(response)) throw new Error("the lead form did not load: " + response.status);
    return keepShell(response);
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("lead-form-shell-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function fromCache(request, key, error) {
  return caches.open(CACHE).then(function (cache) {
    return cache.match(key || request, { ignoreVary: true, ignoreSearch: !!key });
  }).then(function (hit) {
    if (!hit) throw error;
    return hit;
  });
}

// The form, posted by the browser: to the network; if it cannot be reached, into the queue.
function postedForm(event) {
  var copy = event.request.clone();
  return fetch(event.request).catch(function (error) {
    return copy.formData().then(function (data) {
      return LeadQueue.keep(LeadQueue.entryOf(data, LeadQueue.UNCLAIMED, data.get("idempotency_key")));
    }, function () {
      throw error;
    }).then(function () {
      return Response.redirect(new URL(PAGE, self.location.origin).href, 303);  // the page shows it waiting
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.method === "POST" && request.mode === "navigate" && url.pathname === PAGE) {
    event.respondWith(postedForm(event));
    return;
  }
  if (request.method !== "GET") return;  // htmx, the page's replays: straight to the network

  if (request.mode === "navigate") {
    if (url.pathname !== PAGE) return;
    event.respondWith(fetch(request).then(function (response) {
      if (isShell(response)) event.waitUntil(keepShell(response.clone()));
      return response;
    }, function (error) {
      return fromCache(request, PAGE, error);
    }));
    return;
  }

  if (request.destination === "script" || request.destination === "style") {
    event.respondWith(fetch(request).then(function (response) {
      // refresh a kept asset (unhashed static names change content in place)
      if (response.status === 200) {
        var copy = response.clone();
        event.waitUntil(caches.open(CACHE).then(function (cache) {
          return cache.match(request).then(function (hit) { return hit && cache.put(request, copy); });
        }));
      }
      return response;
    }, function (error) {
      return fromCache(request, null, error);
    }));
  }
});
