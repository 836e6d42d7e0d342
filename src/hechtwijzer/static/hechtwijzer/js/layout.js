// The phone layout's two helpers (issue 15); the pages work without them.
// 1. The header menu: on a narrow screen (app.css decides what is narrow) the menu and the
//    language switch fold behind the Menu button, a disclosure button (aria-expanded); Escape
//    closes it and gives the focus back to the button. Without JavaScript the menu stays open.
// 2. Wide tables scroll inside their own box (a focusable, labelled region); when one does not
//    fit, it gets a line above it that says so and a shade on the side where more is hidden.
(function () {
  "use strict";

  var header = document.querySelector(".site-header");
  var button = header && header.querySelector(".menu-button");
  var menu = button && document.getElementById(button.getAttribute("aria-controls"));

  function setOpen(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    header.classList.toggle("site-header--open", open);
  }

  if (menu) {
    // Runs before the page is first painted (the script is not deferred): no jump.
    header.classList.add("site-header--js");
    setOpen(false);
    button.addEventListener("click", function () {
      setOpen(button.getAttribute("aria-expanded") !== "true");
    });
    header.addEventListener("keydown", function (event) {
      if (event.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
        setOpen(false);
        button.focus();
      }
    });
  }

  var REGIONS = ".table-scroll, .heatmap-scroll, .bh-scroll";
  var hint = document.body.getAttribute("data-scroll-hint");

  function mark(region) {
    var hidden = region.scrollWidth - region.clientWidth;
    var overflowing = hidden > 1;
    region.classList.toggle("scroll-region--more-right", overflowing && region.scrollLeft < hidden - 1);
    region.classList.toggle("scroll-region--more-left", overflowing && region.scrollLeft > 1);
    var line = region.previousElementSibling;
    var hasLine = line && line.classList.contains("scroll-hint");
    if (overflowing && !hasLine && hint) {
      line = document.createElement("p");
      line.className = "scroll-hint";
      // Screen readers read the table cell by cell: the hint is for the eye only.
      line.setAttribute("aria-hidden", "true");
      line.textContent = hint;
      region.parentNode.insertBefore(line, region);
    } else if (!overflowing && hasLine) {
      line.remove();
    }
  }

  function markAll() {
    document.querySelectorAll(REGIONS).forEach(mark);
  }

  document.addEventListener("DOMContentLoaded", markAll);
  window.addEventListener("resize", markAll);
  document.addEventListener("htmx:afterSettle", markAll);
  document.addEventListener(
    "scroll",
    function (event) {
      if (event.target.matches && event.target.matches(REGIONS)) mark(event.target);
    },
    true
  );
})();
