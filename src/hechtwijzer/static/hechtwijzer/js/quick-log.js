// The quick log's note helper: a suggested signal is a button that ticks the signal's one
// checkbox on the page (never a second checkbox), opens its group and shows whether it is
// ticked. Without JavaScript the page works as before: suggestions link to the checkbox.
(function () {
  "use strict";

  function sync(button) {
    var box = document.getElementById(button.dataset.ticks);
    button.setAttribute("aria-pressed", box && box.checked ? "true" : "false");
  }

  function syncAll() {
    document.querySelectorAll("[data-ticks]").forEach(sync);
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-ticks]");
    if (!button) return;
    var box = document.getElementById(button.dataset.ticks);
    if (!box) return;
    box.checked = !box.checked;
    var group = box.closest("details");
    if (group) group.open = true;
    box.dispatchEvent(new Event("change", { bubbles: true }));
  });

  document.addEventListener("change", function (event) {
    if (event.target.name === "signals") syncAll();
  });

  document.addEventListener("htmx:afterSwap", syncAll);
})();
