/*
 * Drawing the parts of the page the server sends. Every push (and every fetch of the whole
 * view) is a bag of elements carrying hx-swap-oob, and htmx does all the DOM work; this
 * module decides what of it to draw and keeps what a redraw must not undo:
 *
 * - Elements carry data-version: a late push never overwrites newer state.
 * - What the page already shows is not drawn again, nor cards it already has.
 * - Sections someone opened stay open; focus and unsaved fields are kept (focus.js,
 *   drafts.js); new cards and a new activity are announced to screen-reader users.
 * - After every redraw: drafts put back, the composer shown or hidden, the timer set, and a
 *   big room's own fetches started, each after its random moment, and the projector's
 *   lists cut to the screen.
 */

import { announce } from "./announce.js";
import { putBack, restoreDrafts, unsavedFields } from "./drafts.js";
import { fitToScreen } from "./fit.js";
import { rememberFocus, restoreFocus } from "./focus.js";
import { onPhone, words } from "./page.js";
import { tickTimer } from "./timer.js";

// htmx is the vendored classic script loaded before this module (templates/base.html).

var composerSection = document.getElementById("composer-section");
var pendingNew = 0;
var announceTimer = null;

function announceNewCards(count) {
  pendingNew += count;
  if (announceTimer) { return; }
  // Batch: a busy room must not flood a screen reader with one message per card.
  announceTimer = window.setTimeout(function () {
    announce(pendingNew === 1 ? words.one_new : words.many_new.replace("{n}", pendingNew));
    pendingNew = 0;
    announceTimer = null;
  }, 2500);
}

function targetOf(el) {
  var spec = el.getAttribute("hx-swap-oob") || "true";
  var colon = spec.indexOf(":");
  if (colon >= 0) { return document.querySelector(spec.slice(colon + 1)); }
  return el.id ? document.getElementById(el.id) : null;
}

/* Drop what this page has no place for, what is older than what it shows, and cards it
   already has; then let htmx swap the rest. `template` is a <template> holding the
   fragments as they arrived (connection.js has taken the heartbeat out of it). */
export function applyFragments(template) {
  var oldPhase = document.getElementById("phase-panel");
  var before = oldPhase ? oldPhase.dataset.phase + "/" + oldPhase.dataset.activity : "";
  var newCards = 0;
  Array.prototype.slice.call(template.content.children).forEach(function (el) {
    var target = targetOf(el);
    if (!target || (el.dataset.for === "phones" && !onPhone)) { el.remove(); return; }
    var incoming = parseInt(el.dataset.version || "", 10);
    var current = parseInt(target.dataset.version || "", 10);
    if (!isNaN(incoming) && !isNaN(current) && incoming < current) { el.remove(); return; }
    if (sameAsShown(el, target)) { el.remove(); return; }
    if ((el.getAttribute("hx-swap-oob") || "").indexOf("beforeend") === 0) {
      Array.prototype.slice.call(el.children).forEach(function (child) {
        if (child.id && document.getElementById(child.id)) { child.remove(); }
        else if (!child.hasAttribute("data-spread")) { newCards += 1; }
      });
      if (!el.children.length) { el.remove(); }
    }
  });
  if (!template.content.children.length) { return; }
  rememberFocus();
  var unsaved = unsavedFields();
  keepDisclosures(template.content);
  htmx.swap(document.body, template.innerHTML, { swapStyle: "none" });
  putBack(unsaved);
  afterSwap();
  var newPhase = document.getElementById("phase-panel");
  if (newPhase && before && before !== newPhase.dataset.phase + "/" + newPhase.dataset.activity) {
    var title = newPhase.querySelector(".activity-title");
    announce(words.now.replace("{phase}", newPhase.dataset.phaseLabel) + (title ? " " + title.textContent : ""));
  }
  if (newCards) { announceNewCards(newCards); }
}

/* What the page already shows is not drawn again: a resync after connecting would
   otherwise redraw the whole view the server just rendered (a flash, a layout shift and
   seconds of work on an old phone). Form tokens differ between two renders of the same
   form, so they are left out of the comparison. */
function withoutTokens(markup) { return markup.replace(/(name="csrf_token" value=")[^"]*"/g, "$1\""); }

function markupOf(element) {
  var copy = element.cloneNode(true);
  copy.removeAttribute("hx-swap-oob"); // htmx drops it from what it swaps in
  return withoutTokens(copy.outerHTML);
}

function sameAsShown(el, target) {
  var spec = el.getAttribute("hx-swap-oob") || "true";
  if (spec !== "true" && spec !== "outerHTML") { return false; }
  return markupOf(el) === markupOf(target);
}

/* A section someone opened (or closed) stays so when a push redraws it. A disclosure is
   known by its nearest identified container, its class and its place among its kind. */
function disclosureKey(details) {
  var anchor = details.parentElement;
  while (anchor && !anchor.id) { anchor = anchor.parentElement; }
  var scope = anchor || details.getRootNode();
  var same = Array.prototype.filter.call(scope.querySelectorAll("details"), function (d) {
    return d.className === details.className;
  });
  return (anchor ? anchor.id : "") + "|" + details.className + "|" + same.indexOf(details);
}

function disclosuresShown() {
  var shown = {};
  Array.prototype.forEach.call(document.querySelectorAll("details"), function (d) {
    shown[disclosureKey(d)] = d.open;
  });
  return shown;
}

function showDisclosures(root, shown) {
  Array.prototype.forEach.call(root.querySelectorAll("details"), function (d) {
    var key = disclosureKey(d);
    if (Object.prototype.hasOwnProperty.call(shown, key)) { d.open = shown[key]; }
  });
}

function keepDisclosures(incoming) { showDisclosures(incoming, disclosuresShown()); }

/* The composer shows only while the activity on screen takes contributions: the server
   says so on #composer-target, which a redraw may change. */
function syncComposer() {
  var target = document.getElementById("composer-target");
  if (composerSection && target) { composerSection.hidden = target.dataset.composer !== "yes"; }
}

/* A big room asks every phone to fetch its own part again: each waits a random moment of
   up to data-spread ms, so the server is not asked by a thousand phones at once. */
function startSpreadFetches() {
  Array.prototype.forEach.call(document.querySelectorAll("[data-spread]:not([data-started])"), function (el) {
    el.setAttribute("data-started", "");
    var wait = 50 + Math.random() * (parseInt(el.dataset.spread, 10) || 0);
    window.setTimeout(function () { if (el.isConnected) { htmx.process(el); htmx.trigger(el, "spread-fetch"); } }, wait);
  });
}

/* After the first draw and every redraw, pushed or fetched over HTTP. */
export function afterSwap() {
  restoreFocus();
  restoreDrafts();
  syncComposer();
  tickTimer();
  startSpreadFetches();
  fitToScreen();
}

export function watchRedraws() {
  document.body.addEventListener("htmx:afterSettle", afterSwap);
  // A part fetched again over HTTP (a phone's own panel) keeps its open sections too.
  var shownBeforeSwap = {};
  document.body.addEventListener("htmx:beforeSwap", function () { shownBeforeSwap = disclosuresShown(); });
  document.body.addEventListener("htmx:afterSwap", function () { showDisclosures(document, shownBeforeSwap); });
}
