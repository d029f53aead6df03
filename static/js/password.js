// "Tampilkan" next to each password field of a form marked data-password-toggle (login, password
// change): an officer copying a random initial password from paper on a phone can check what was
// typed. Without JavaScript the form is a plain form with hidden passwords.
(function () {
  document.querySelectorAll("form[data-password-toggle] input[type=password]").forEach(function (input) {
    var label = input.id && document.querySelector('label[for="' + input.id + '"]');
    var wrapper = document.createElement("div");
    wrapper.className = "password-field";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);

    var button = document.createElement("button");
    button.type = "button";
    button.className = "password-toggle";
    button.setAttribute("aria-controls", input.id);
    button.setAttribute("aria-pressed", "false");
    var word = document.createElement("span");
    word.textContent = "Tampilkan";
    button.appendChild(word);
    if (label) {
      // Each button names its field for a screen reader: "Tampilkan kata sandi lama".
      var which = document.createElement("span");
      which.className = "visually-hidden";
      which.textContent = " " + label.textContent.trim().toLowerCase();
      button.appendChild(which);
    }
    wrapper.appendChild(button);

    // A shown password must not be capitalised or "corrected" by the phone's keyboard.
    input.setAttribute("autocapitalize", "none");
    input.setAttribute("autocorrect", "off");
    input.setAttribute("spellcheck", "false");

    function show(shown) {
      input.type = shown ? "text" : "password";
      word.textContent = shown ? "Sembunyikan" : "Tampilkan";
      button.setAttribute("aria-pressed", shown ? "true" : "false");
    }
    button.addEventListener("click", function () { show(input.type === "password"); });
    // Sent hidden again, so that no browser keeps a password typed into a text field.
    input.form.addEventListener("submit", function () { show(false); });
  });
})();
