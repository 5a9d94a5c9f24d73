// The pipeline board: drag a card to another column (or pick a stage in its menu) to move the deal.
// The server answers with the card and both column heads; a refusal puts the card back.
(function () {
  "use strict";
  var dragged = null;

  function csrfToken() {
    try { return JSON.parse(document.body.getAttribute("hx-headers"))["X-CSRFToken"]; } catch (e) { return ""; }
  }

  function column(el) { return el && el.closest("[data-stage-id]"); }

  function say(text, kind) {
    var box = document.getElementById("messages");
    if (!box) return;
    var list = document.createElement("ul");
    list.className = "messages";
    var item = document.createElement("li");
    item.className = "msg-" + (kind || "error");
    item.textContent = text;
    list.appendChild(item);
    box.replaceChildren(list);
  }

  function askLostReason() {
    var dialog = document.getElementById("lost-dialog");
    return new Promise(function (resolve) {
      var input = dialog.querySelector("input[name=lost_reason]");
      input.value = "";
      dialog.addEventListener("close", function onClose() {
        // The close event is fired later, as a task: the previous asking's may still be on its way when
        // the dialog is already open again for this one (a card moved just after a cancel). Not ours.
        if (dialog.open) return;
        dialog.removeEventListener("close", onClose);
        resolve(dialog.returnValue === "ok" && input.value.trim() ? input.value.trim() : null);
      });
      dialog.showModal();
    });
  }

  async function move(card, target) {
    var from = column(card);
    var stageId = target.getAttribute("data-stage-id");
    if (!from || from === target) return;
    var lostReason = "";
    if (target.getAttribute("data-stage-kind") === "lost") {
      lostReason = await askLostReason();
      if (lostReason === null) { resetSelect(card, from); return; }
    }
    var placeholder = document.createComment("deal-card");
    card.replaceWith(placeholder);
    var zone = target.querySelector("[data-drop-zone]") || target;
    zone.prepend(card);
    card.classList.add("saving");

    var body = new URLSearchParams(new FormData(document.getElementById("board-filters") || undefined));
    body.set("stage", stageId);
    body.set("lost_reason", lostReason);
    try {
      var response = await fetch(card.getAttribute("data-move-url"), {
        method: "POST",
        headers: { "X-CSRFToken": csrfToken(), "HX-Request": "true", "Content-Type": "application/x-www-form-urlencoded" },
        body: body,
        credentials: "same-origin",
      });
      var text = await response.text();
      if (!response.ok) throw new Error(text || "The deal could not be moved.");
      htmx.swap(card, text, { swapStyle: "outerHTML" });
    } catch (error) {
      card.classList.remove("saving");
      placeholder.replaceWith(card);
      resetSelect(card, from);
      say(error.message);
      return;
    }
    placeholder.remove();
  }

  function resetSelect(card, col) {
    var select = card.querySelector("[data-move-select]");
    if (select && col) select.value = col.getAttribute("data-stage-id");
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".deal-card[draggable=true]");
    if (!card) return;
    dragged = card;
    card.classList.add("dragging");
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
  });
  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("dragging");
    document.querySelectorAll(".column.drop-target").forEach(function (c) { c.classList.remove("drop-target"); });
    dragged = null;
  });
  document.addEventListener("dragover", function (event) {
    var target = column(event.target);
    if (!dragged || !target || !target.classList.contains("column")) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "move";
    document.querySelectorAll(".column.drop-target").forEach(function (c) { if (c !== target) c.classList.remove("drop-target"); });
    target.classList.add("drop-target");
  });
  document.addEventListener("drop", function (event) {
    var target = column(event.target);
    if (!dragged || !target) return;
    event.preventDefault();
    target.classList.remove("drop-target");
    move(dragged, target);
  });

  // The keyboard and touch path: the card's "Move to" menu.
  document.addEventListener("change", function (event) {
    if (!event.target.matches("[data-move-select]")) return;
    var card = event.target.closest(".deal-card");
    var target = document.querySelector('.column[data-stage-id="' + event.target.value + '"]');
    if (card && target) move(card, target);
  });
})();
