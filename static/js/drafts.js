// Drafts of a form kept in this tab, so that what an officer typed survives a send that never
// arrived (no signal, the browser's error page) or a session that expired meanwhile (the login
// page). common/drafts.py says where a draft lives, whose it is and when it goes; in short:
// - a form marked data-draft="<name>" is copied into sessionStorage when it is sent;
// - when the same form is shown again unsaved, the copy is put back with the line "Data ini belum
//   tersimpan…" (not over a form the server answered with its own errors: data-draft-bound), and
//   a line marked data-draft-waiting="<name>" on another page (the village page) says it waits;
// - with no network at all the send is held back and the officer told so;
// - every signed-in page deletes the drafts the server saved (meta drafts, data-done), those of
//   another user and those older than a login session; Keluar (data-drafts-clear) deletes them all.
(function () {
  var PREFIX = "draft:";
  var SKIPPED_TYPES = /^(file|password|submit|button|reset|image)$/;
  var store;
  try {
    store = window.sessionStorage;
    store.getItem(PREFIX);
  } catch (error) {
    return; // storage switched off: the form works as before, without drafts
  }

  function draftNames() {
    var names = [];
    for (var i = 0; i < store.length; i++) {
      var name = store.key(i);
      if (name && name.indexOf(PREFIX) === 0) names.push(name);
    }
    return names;
  }

  function read(name) {
    try {
      var draft = JSON.parse(store.getItem(name));
      return draft && draft.values ? draft : null;
    } catch (error) {
      return null;
    }
  }

  function remove(name) {
    try { store.removeItem(name); } catch (error) { /* nothing to delete */ }
  }

  // Housekeeping on every signed-in page.
  var meta = document.querySelector('meta[name="drafts"]');
  if (meta) {
    var own = PREFIX + meta.dataset.owner + ":";
    var maxAge = Number(meta.dataset.maxAge) * 1000;
    var done = (meta.dataset.done || "").split(" ");
    draftNames().forEach(function (name) {
      var draft = read(name);
      if (name.indexOf(own) !== 0 || done.indexOf(name) !== -1 || !draft || !(Date.now() - draft.savedAt < maxAge)) {
        remove(name);
      }
    });
  }

  // Lines that say a draft waits: on the login page any draft (for the same person to log in
  // again), elsewhere the one they name (the village page: the form that failed to send, since
  // "back" from the browser's error page leads there).
  var waiting = draftNames();
  document.querySelectorAll("[data-drafts-waiting]").forEach(function (line) { line.hidden = !waiting.length; });
  document.querySelectorAll("[data-draft-waiting]").forEach(function (line) {
    line.hidden = waiting.indexOf(line.dataset.draftWaiting) === -1;
  });

  function fields(form) {
    return Array.prototype.filter.call(form.elements, function (field) {
      return field.name && field.name !== "csrfmiddlewaretoken" && !SKIPPED_TYPES.test(field.type);
    });
  }

  function save(form) {
    var values = {};
    fields(form).forEach(function (field) {
      if (field.type === "checkbox") {
        values[field.name] = values[field.name] || [];
        if (field.checked) values[field.name].push(field.value);
      } else if (field.type === "radio") {
        if (field.checked) values[field.name] = field.value;
      } else {
        values[field.name] = field.value;
      }
    });
    try {
      store.setItem(form.dataset.draft, JSON.stringify({ savedAt: Date.now(), values: values }));
    } catch (error) { /* storage full: the send goes ahead without a draft */ }
  }

  function put(form, values) {
    fields(form).forEach(function (field) {
      if (!(field.name in values)) return;
      var value = values[field.name];
      if (field.type === "checkbox") field.checked = [].concat(value).indexOf(field.value) !== -1;
      else if (field.type === "radio") field.checked = field.value === value;
      else field.value = value;
    });
  }

  function snapshot(form) {
    var values = {};
    fields(form).forEach(function (field) {
      if (field.type === "checkbox") {
        values[field.name] = values[field.name] || [];
        if (field.checked) values[field.name].push(field.value);
      } else if (field.type !== "radio" || field.checked) {
        values[field.name] = field.value;
      }
    });
    return values;
  }

  function clock(time) {
    var date = new Date(time);
    function two(number) { return (number < 10 ? "0" : "") + number; }
    return two(date.getHours()) + "." + two(date.getMinutes());
  }

  document.querySelectorAll("form[data-draft]").forEach(function (form) {
    var draft = read(form.dataset.draft);
    if (!draft || form.hasAttribute("data-draft-bound")) return;
    var shown = snapshot(form);
    put(form, draft.values);
    var notice = form.querySelector("[data-draft-notice]");
    if (!notice) return;
    notice.querySelectorAll("[data-draft-time]").forEach(function (slot) { slot.textContent = clock(draft.savedAt); });
    notice.hidden = false;
    notice.querySelectorAll("[data-draft-drop]").forEach(function (button) {
      button.addEventListener("click", function () {
        remove(form.dataset.draft);
        put(form, shown);
        notice.hidden = true;
      });
    });
  });

  // Batal leaves the form on purpose: its draft goes with it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-draft-discard]");
    var form = link && link.closest("form[data-draft]");
    if (form) remove(form.dataset.draft);
  });

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-drafts-clear")) {
      draftNames().forEach(remove);
      return;
    }
    if (!form.dataset.draft) return;
    save(form);
    if (navigator.onLine === false) {
      // The phone knows it has no network: stay on the page rather than on the browser's error page.
      event.preventDefault();
      var offline = form.querySelector("[data-offline-notice]");
      if (offline) {
        offline.hidden = false;
        offline.scrollIntoView({ block: "center" });
      }
    }
  });
})();
