/*
 * Where keyboard focus goes on a live page. Keeps keyboard and screen-reader users where
 * they were when part of the page is redrawn: refocus the element with the same id, or else
 * its nearest identified container. A part that is fetched again (a ballot, a panel) is
 * briefly absent, so the wish to return waits until it is back, unless the person moves
 * focus elsewhere first. Also moves focus for the skip link.
 */

var lastFocusIds = [];

export function rememberFocus() {
  var active = document.activeElement;
  if (!active || active === document.body) { return; }
  var ids = [];
  for (var el = active; el && el !== document.body && ids.length < 3; el = el.parentElement) {
    if (el.id) { ids.push(el.id); }
  }
  lastFocusIds = ids;
}

export function restoreFocus() {
  if (!lastFocusIds.length || (document.activeElement && document.activeElement !== document.body)) { return; }
  for (var i = 0; i < lastFocusIds.length; i += 1) {
    var again = document.getElementById(lastFocusIds[i]);
    if (again) {
      if (again.tabIndex < 0 && !again.hasAttribute("tabindex")) { again.setAttribute("tabindex", "-1"); }
      lastFocusIds = [];
      again.focus();
      return;
    }
  }
}

export function keepFocus() {
  document.addEventListener("focusin", function (event) {
    if (event.target !== document.body) { lastFocusIds = []; }
  });
  // A request may redraw the part that holds focus (its response, or the push it causes).
  document.body.addEventListener("htmx:beforeRequest", rememberFocus);

  /* The skip link moves focus itself on live pages. Followed as a #main link, Chromium was
     seen to focus main a second time while the page was still settling, taking a keyboard
     user's next Tab back to where they started. */
  document.body.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".skip-link");
    var main = document.getElementById("main");
    if (!link || !main) { return; }
    event.preventDefault();
    main.focus();
  });
}
