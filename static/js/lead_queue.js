// The offline lead form's queue, in IndexedDB: one entry per lead, keyed by its idempotency key.
// Shared by the page (lead_form_offline.js, which fills and sends it) and the service worker
// (lead_form_sw.js, which keeps a form the browser posted while the server could not be reached).
// An entry: {key, owner ("user:team", or UNCLAIMED), fields: [[name, value]...], label, createdAt,
//            state: "pending" | "attention", errors: [text...]}.
var LeadQueue = (function () {
  "use strict";

  var UNCLAIMED = "";  // kept by the worker, which does not know the account: the page claims it
  var NOT_SENT_AGAIN = ["csrfmiddlewaretoken", "idempotency_key"];  // a replay has its own token; the key is the entry's
  var opening = null;

  function database() {
    if (!opening) {
      opening = new Promise(function (resolve, reject) {
        var request = indexedDB.open("primesync-offline", 1);
        request.onupgradeneeded = function () { request.result.createObjectStore("leads", { keyPath: "key" }); };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
    }
    return opening;
  }

  // Resolves once the transaction has committed, with the result of the request `work` made.
  function inStore(mode, work) {
    return database().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction("leads", mode);
        var request = work(tx.objectStore("leads"));
        tx.oncomplete = function () { resolve(request ? request.result : undefined); };
        tx.onerror = tx.onabort = function () { reject(tx.error); };
      });
    });
  }

  function newKey() {
    if (self.crypto && crypto.randomUUID) return crypto.randomUUID();
    var bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.prototype.map.call(bytes, function (b) { return (b + 256).toString(16).slice(1); }).join("");
  }

  function labelOf(fields) {
    var value = function (name) {
      var found = fields.filter(function (f) { return f[0] === name; })[0];
      return found ? String(found[1]).trim() : "";
    };
    return [value("first_name"), value("last_name")].join(" ").trim() || value("email") || value("phone") || "A lead";
  }

  // A new pending entry from what the form sent (a FormData).
  function entryOf(formData, owner, key) {
    var fields = [];
    formData.forEach(function (value, name) {
      if (NOT_SENT_AGAIN.indexOf(name) === -1) fields.push([name, String(value)]);
    });
    return { key: key || newKey(), owner: owner, fields: fields, label: labelOf(fields),
             createdAt: Date.now(), state: "pending", errors: [] };
  }

  return {
    UNCLAIMED: UNCLAIMED,
    newKey: newKey,
    entryOf: entryOf,
    all: function () {
      return inStore("readonly", function (store) { return store.getAll(); }).then(function (all) {
        return all.sort(function (a, b) { return a.createdAt - b.createdAt; });
      });
    },
    get: function (key) { return inStore("readonly", function (store) { return store.get(key); }); },
    keep: function (entry) { return inStore("readwrite", function (store) { return store.put(entry); }); },
    forget: function (key) { return inStore("readwrite", function (store) { return store.delete(key); }); },
  };
})();
