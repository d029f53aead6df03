// Small behaviours every page may use; no inline script anywhere (Content-Security-Policy).

// A form marked data-once sends once: its button is disabled while the request runs, so a second
// tap on a slow connection does not send it again. A file download leaves the page in place, so
// the button comes back after a while.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute("data-once")) return;
  if (form.dataset.sending === "yes") {
    event.preventDefault();
    return;
  }
  form.dataset.sending = "yes";
  var buttons = form.querySelectorAll("button[type=submit]");
  buttons.forEach(function (button) {
    button.dataset.label = button.textContent;
    if (button.dataset.busyLabel) button.textContent = button.dataset.busyLabel;
    // Disabled after this event, so the button's own name/value still goes with the form.
    setTimeout(function () { button.disabled = true; }, 0);
  });
  setTimeout(function () {
    form.dataset.sending = "";
    buttons.forEach(function (button) {
      button.disabled = false;
      button.textContent = button.dataset.label;
    });
  }, 15000);
});

// A form marked data-download answers with a file: the page stays where it was and cannot show
// what the request did. The form sends a random nonce; the file comes with the cookie
// download_done set to it (common/downloads.py); when the cookie appears the page reloads itself
// and shows the message the request left ("202 akun operator desa dibuat").
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.hasAttribute("data-download") || event.defaultPrevented) return;
  var bytes = new Uint8Array(16);
  window.crypto.getRandomValues(bytes);
  var nonce = Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  var field = form.querySelector("input[name=download_nonce]");
  if (!field) {
    field = document.createElement("input");
    field.type = "hidden";
    field.name = "download_nonce";
    form.appendChild(field);
  }
  field.value = nonce;
  var started = Date.now();
  var timer = setInterval(function () {
    var found = document.cookie.split("; ").some(function (pair) { return pair === "download_done=" + nonce; });
    if (found) {
      clearInterval(timer);
      document.cookie = "download_done=; Max-Age=0; path=/; SameSite=Strict";
      window.location.replace(window.location.href);
    } else if (Date.now() - started > 180000) {
      clearInterval(timer);
    }
  }, 500);
});

// A button marked data-print prints the page (the one-page coverage summary): no inline script.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});

// Bulk decisions on the review pages: a form marked data-bulk-form holds `nominee` checkboxes, a
// select-all box (data-select-all: the table header's, or the bar's on a village's list), the
// count of ticked nominees (data-selected-count) and, on the queue filtered to one village that
// has more rows than the page, the offer to choose all of them (data-select-village). Events are
// delegated from the document, so rows swapped in by htmx behave like the first ones.
function bulkBoxes(form) {
  return Array.prototype.slice.call(form.querySelectorAll("input[type=checkbox][name=nominee]"));
}

function villageChosen(form) {
  var input = form.querySelector("[data-village-input]");
  return Boolean(input && !input.disabled);
}

function chooseVillage(form, chosen) {
  form.querySelectorAll("[data-village-input]").forEach(function (input) { input.disabled = !chosen; });
  var offer = form.querySelector("[data-village-offer]");
  var done = form.querySelector("[data-village-chosen]");
  if (offer) offer.hidden = chosen;
  if (done) done.hidden = !chosen;
}

function syncBulkForm(form) {
  var boxes = bulkBoxes(form);
  var ticked = boxes.filter(function (box) { return box.checked; }).length;
  var all = boxes.length > 0 && ticked === boxes.length;
  form.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.checked = all;
    box.indeterminate = ticked > 0 && !all;
  });
  var village = form.querySelector("[data-select-village]");
  if (village) {
    if (!all && villageChosen(form)) chooseVillage(form, false);
    village.hidden = !all;
  }
  var count = form.querySelector("[data-selected-count]");
  if (count) {
    var chosen = form.querySelector("[data-village-chosen]");
    if (villageChosen(form) && chosen) count.textContent = "(semua di desa ini)";
    else count.textContent = ticked ? "(" + ticked + " dicentang)" : "(belum ada yang dicentang)";
  }
}

function syncAllBulkForms() {
  document.querySelectorAll("form[data-bulk-form]").forEach(syncBulkForm);
}

document.addEventListener("change", function (event) {
  var box = event.target;
  var form = box.form;
  if (!form || !form.hasAttribute("data-bulk-form")) return;
  if (box.hasAttribute("data-select-all")) {
    bulkBoxes(form).forEach(function (each) { each.checked = box.checked; });
  }
  if (box.hasAttribute("data-select-all") || box.name === "nominee") syncBulkForm(form);
});

document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-village-select], [data-village-cancel]");
  if (!button || !button.form) return;
  chooseVillage(button.form, button.hasAttribute("data-village-select"));
  syncBulkForm(button.form);
});

document.addEventListener("DOMContentLoaded", syncAllBulkForms);
// Back to a page the browser kept with its boxes ticked, or new rows from htmx: count them again.
window.addEventListener("pageshow", syncAllBulkForms);
document.addEventListener("htmx:afterSettle", syncAllBulkForms);
