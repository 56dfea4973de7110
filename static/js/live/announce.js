/*
 * The page's one polite live region (#announcer in templates/base.html): how the live
 * script tells screen-reader users what changed on screen without moving their focus.
 */

var announcer = document.getElementById("announcer");

export function announce(text) {
  if (!announcer) { return; }
  // Emptied first, so the same words said twice are still read twice.
  announcer.textContent = "";
  window.setTimeout(function () { announcer.textContent = text; }, 50);
}
