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

// A button marked data-print prints the page (the one-page coverage summary): no inline script.
document.addEventListener("click", function (event) {
  if (event.target.closest("[data-print]")) window.print();
});
