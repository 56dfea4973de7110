/*
 * The join code shown large on the projector. Once the room is past the lobby the projector
 * keeps the join code small in a corner; for a latecomer the facilitator shows it large
 * from the control page (or on the projector itself) and puts it away again. Kept per
 * workshop in this browser's storage, so a projector window on the facilitator's laptop
 * follows the control page at once (the storage event), like the contrast choice.
 */

import { view } from "./page.js";
import { joinShownKey, load, store } from "./store.js";

function joinShown() { return load(joinShownKey, false) === true; }

function showJoin() {
  var on = joinShown();
  if (view === "projector") { document.body.classList.toggle("join-shown", on); }
  Array.prototype.forEach.call(document.querySelectorAll("[data-join-toggle]"), function (button) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
  });
}

export function followJoinDisplay() {
  document.body.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-join-toggle]");
    if (!button) { return; }
    store(joinShownKey, joinShown() ? null : true);
    showJoin();
  });
  window.addEventListener("storage", function (event) {
    if (event.key === joinShownKey) { showJoin(); }
  });
  showJoin();
}
