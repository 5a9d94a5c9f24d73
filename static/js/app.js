// PrimeSync page glue: only what HTML and htmx cannot do on their own.
(function () {
  "use strict";

  // Escape cancels an inline edit.
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Escape") return;
    var form = event.target.closest && event.target.closest(".inline-form");
    if (form) {
      var cancel = form.querySelector("[data-cancel]");
      if (cancel) cancel.click();
    }
  });

  // Bulk selection on the lead list: "select all" and the count in the action bar.
  function updateBulkBar() {
    var bar = document.getElementById("bulk-bar");
    if (!bar) return;
    var checked = document.querySelectorAll("input[name=ids]:checked").length;
    bar.querySelector("[data-selected-count]").textContent = checked;
    bar.hidden = checked === 0;
  }
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-select-all]")) {
      document.querySelectorAll("input[name=ids]").forEach(function (box) { box.checked = target.checked; });
    }
    if (target.matches("input[name=ids], [data-select-all]")) updateBulkBar();
    if (target.matches("#bulk-action")) {
      document.querySelectorAll("[data-bulk-option]").forEach(function (el) {
        el.hidden = el.getAttribute("data-bulk-option") !== target.value;
      });
    }
  });
  document.addEventListener("htmx:afterSwap", updateBulkBar);

  // Forms that change what a list shows submit themselves (filters, sort).
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest("form[data-autosubmit]");
    if (form && !event.target.matches("[type=search]")) form.requestSubmit();
  });

  // Activity form: the due date only matters for tasks.
  document.addEventListener("change", function (event) {
    if (!event.target.matches("select[name=kind]")) return;
    var due = event.target.form && event.target.form.querySelector("[data-due]");
    if (due) due.hidden = event.target.value !== "task";
    var direction = event.target.form && event.target.form.querySelector("[data-direction]");
    if (direction) direction.hidden = event.target.value !== "email";
  });
  document.addEventListener("activity-logged", function () {
    var form = document.getElementById("activity-form");
    if (form) form.reset();
  });
})();

// Live updates: after a dropped websocket comes back, reload what may have changed meanwhile.
(function () {
  "use strict";
  var opened = 0;
  function resync() {
    document.querySelectorAll("[data-resync-url]").forEach(function (el) {
      htmx.ajax("GET", el.getAttribute("data-resync-url"), { source: el, target: el, swap: "innerHTML" });
    });
    var count = document.getElementById("notif-count");
    if (count) htmx.ajax("GET", "/notifications/count/", { source: count, target: count, swap: "outerHTML" });
  }
  document.addEventListener("htmx:wsOpen", function () {
    opened += 1;
    if (opened > 1) resync();
  });
  // The server says broadcasts may have been missed (it lost Redis for a moment).
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "live-resync") resync();
  });

  // A pushed notification: show the toast for a while, and a desktop notification if allowed.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var toasts = document.getElementById("toasts");
    if (!toasts || event.detail.target !== toasts) return;
    var toast = toasts.firstElementChild;
    // htmx fires this once per element settled by the same message: show each toast once
    if (!toast || toast.hasAttribute("data-shown")) return;
    toast.setAttribute("data-shown", "");
    setTimeout(function () { toast.remove(); }, 8000);
    if ("Notification" in window && Notification.permission === "granted") {
      var n = new Notification(toast.getAttribute("data-notification-title"), {
        body: toast.getAttribute("data-notification-body") || "",
      });
      var url = toast.getAttribute("data-notification-url");
      if (url) n.onclick = function () { window.focus(); window.location = url; };
    }
  });

  var enable = document.querySelector("[data-enable-desktop-notifications]");
  if (enable && "Notification" in window && Notification.permission === "default") {
    enable.hidden = false;
    enable.addEventListener("click", function () {
      Notification.requestPermission().then(function () { enable.hidden = true; });
    });
  }
})();

// The dashboard: the live socket names the metrics that changed; each reloads its own fragment.
(function () {
  "use strict";
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    if (!event.detail.target || event.detail.target.id !== "dash-signal") return;
    var signal = document.getElementById("dash-signal");  // the swapped-in one, not the element it replaced
    if (!signal) return;
    (signal.getAttribute("data-refresh") || "").split(" ").forEach(function (name) {
      var section = name && document.querySelector('[data-metric="' + name + '"][data-resync-url]');
      if (section) htmx.ajax("GET", section.getAttribute("data-resync-url"), { source: section, target: section, swap: "innerHTML" });
    });
  });
})();

// The dashboard's period picker: picking dates means a custom period.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var form = event.target.closest && event.target.closest(".dash-filters");
    if (!form || event.target.type !== "date") return;
    form.querySelector("select[name=period]").value = "custom";
  }, true);
})();
