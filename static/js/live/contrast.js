/*
 * The projector's high-contrast display. Chosen on the projector or on the control page and
 * kept in this browser's storage, so a projector window on the facilitator's laptop follows
 * the control page at once (the storage event). Until someone chooses, it follows the
 * system: more contrast, or forced colours, turns it on.
 */

import { view } from "./page.js";
import { contrastKey, load, store } from "./store.js";

var systemContrast = window.matchMedia
  ? window.matchMedia("(prefers-contrast: more), (forced-colors: active)") : null;

function highContrast() {
  var chosen = load(contrastKey, null);
  if (chosen !== null) { return chosen === "high"; }
  return !!(systemContrast && systemContrast.matches);
}

function showContrast() {
  var on = highContrast();
  if (view === "projector") { document.body.classList.toggle("contrast-high", on); }
  Array.prototype.forEach.call(document.querySelectorAll("[data-contrast-toggle]"), function (button) {
    button.setAttribute("aria-pressed", on ? "true" : "false");
  });
  Array.prototype.forEach.call(document.querySelectorAll("[data-contrast-tools]"), function (tools) {
    tools.hidden = false; // the buttons only work with this script, so they show with it
  });
}

export function followContrastChoice() {
  document.body.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-contrast-toggle]");
    if (!button) { return; }
    store(contrastKey, highContrast() ? "standard" : "high");
    showContrast();
  });
  window.addEventListener("storage", function (event) {
    if (event.key === contrastKey) { showContrast(); }
  });
  if (systemContrast && systemContrast.addEventListener) {
    systemContrast.addEventListener("change", showContrast);
  }
  showContrast();
}
