/* The report editor (reports/portal/edit.html): autosave of the draft and confirmations.
   Vanilla, no dependencies (intranet). Without scripts the page works through its buttons.
   Messages come from the page (data-msg-* attributes, translated there); text is only ever set
   with textContent, never as markup. */
(function () {
  "use strict";
  var DELAY_MS = 2000;

  function collect(form) {
    var payload = { sections: {} };
    form.querySelectorAll("[data-autosave]").forEach(function (field) {
      var key = field.getAttribute("data-autosave");
      if (key.indexOf("sections.") === 0) {
        payload.sections[key.slice("sections.".length)] = field.value;
      } else {
        payload[key] = field.value;
      }
    });
    return payload;
  }

  function setupAutosave(form) {
    var url = form.getAttribute("data-autosave-url");
    var status = document.getElementById("autosave-status");
    var tokenField = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (!url || !status || !tokenField || !window.fetch) { return; }
    var timer = null;
    var saving = false;
    var again = false;

    function show(text, failed) {
      status.textContent = text || "";
      status.classList.toggle("error", !!failed);
    }

    function save(keepalive) {
      timer = null;
      if (saving) { again = true; return; }
      saving = true;
      show(form.getAttribute("data-msg-saving"), false);
      fetch(url, {
        method: "POST",
        credentials: "same-origin",
        keepalive: keepalive === true,
        headers: { "Content-Type": "application/json", "X-CSRFToken": tokenField.value, "X-Requested-With": "fetch" },
        body: JSON.stringify(collect(form))
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          if (response.ok && data.message) {
            show(data.message, false);
          } else {
            show(data.error || form.getAttribute("data-msg-failed"), true);
          }
        });
      }).catch(function () {
        show(form.getAttribute("data-msg-failed"), true);
      }).then(function () {
        saving = false;
        if (again) { again = false; schedule(); }
      });
    }

    function schedule() {
      if (timer) { window.clearTimeout(timer); }
      timer = window.setTimeout(function () { save(false); }, DELAY_MS);
    }

    form.querySelectorAll("[data-autosave]").forEach(function (field) {
      field.addEventListener("input", schedule);
      field.addEventListener("change", schedule);
    });
    // A normal save or submit carries the text itself: no autosave racing it.
    form.addEventListener("submit", function () {
      if (timer) { window.clearTimeout(timer); timer = null; }
    });
    // Leaving through another form (uploading or removing an attachment): save what waits first.
    document.addEventListener("submit", function (event) {
      if (event.target !== form && timer) {
        window.clearTimeout(timer);
        save(true);
      }
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-confirm]") : null;
    if (button && !window.confirm(button.getAttribute("data-confirm"))) {
      event.preventDefault();
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("report-form");
    if (form) { setupAutosave(form); }
  });
}());
