// The focus card: ticks and notes save themselves (htmx, plans/views.py `tick` and `note`).
// This file only warns before the page is left while something typed or ticked is not saved
// yet: a note still being sent, or an own measure's tick (those are saved with the card's
// button). A note counts as saved when the server has confirmed it: its `seen_note_` field
// then holds the same text. Without JavaScript the card is one form with a save button.
(function () {
  "use strict";

  var submitting = false;

  function unsaved() {
    var notes = document.querySelectorAll(".focus-card .row-note");
    for (var i = 0; i < notes.length; i++) {
      var seen = document.getElementById("seen_" + notes[i].id);
      if (seen && notes[i].value.trim() !== seen.value) return true;
    }
    var boxes = document.querySelectorAll(".own-measures input[type=checkbox]");
    for (var j = 0; j < boxes.length; j++) {
      if (boxes[j].checked !== boxes[j].defaultChecked) return true;
    }
    return false;
  }

  document.addEventListener("submit", function (event) {
    // Saving the whole card sends every note and tick: nothing is lost by leaving.
    if (event.target.classList.contains("focus-card-form")) submitting = true;
  });

  window.addEventListener("beforeunload", function (event) {
    if (submitting || !unsaved()) return;
    event.preventDefault();
    event.returnValue = "";  // older browsers need a value to show their own warning
  });
})();
