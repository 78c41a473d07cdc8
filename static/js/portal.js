/* Portal shell: collapsing navigation on phone screens. Vanilla, no dependencies (intranet). */
(function () {
  "use strict";
  // Marks that scripts run, so the CSS may collapse the menu; without JS it stays open.
  document.documentElement.classList.add("js");

  function setOpen(toggle, nav, open) {
    nav.classList.toggle("open", open);
    toggle.setAttribute("aria-expanded", open ? "true" : "false");
  }

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector("[data-nav-toggle]");
    var nav = toggle && document.getElementById(toggle.getAttribute("aria-controls"));
    if (!toggle || !nav) { return; }
    toggle.addEventListener("click", function () {
      setOpen(toggle, nav, !nav.classList.contains("open"));
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && nav.classList.contains("open")) {
        setOpen(toggle, nav, false);
        toggle.focus();
      }
    });
  });
}());
