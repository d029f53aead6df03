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
