/*
 * Appreciate's live glue, the entry point (templates/base.html loads it on live pages only):
 * one Socket.IO connection per page, server-rendered fragments swapped in by htmx, and an
 * outbox so nothing a person typed is ever lost. Each job is a module of its own; this one
 * starts them in order and owns nothing else but the CSRF header on htmx's requests.
 *
 *   page.js        what the server wrote on the page (workshop, view, words, beat settings)
 *   store.js       what this device keeps in localStorage, and under which names
 *   announce.js    the live region that speaks to screen-reader users
 *   connection.js  the Socket.IO connection, its honest state, resync on every connect
 *   parts.js       drawing pushed and fetched fragments, and what every redraw keeps
 *   focus.js       keyboard focus kept across redraws; the skip link
 *   drafts.js      drafts and unsent fields kept across redraws and reloads
 *   outbox.js      the composer: contributions queued, sent, acknowledged
 *   timer.js       the activity's countdown
 *   contrast.js    the projector's high-contrast display
 *   join_display.js the join code shown large on the projector, from the control page
 *   fit.js         the projector's lists cut to what fits on the screen
 *   dragging.js    dragging a card onto a theme
 *
 * Module scripts run after the page is parsed, after the classic deferred scripts before
 * them (htmx and the Socket.IO client, read here as the globals htmx and io). Keep to
 * ES2017 syntax (no ?., no ??, no class fields, no top-level await): old phones run this.
 */

import { connect } from "./connection.js";
import { followContrastChoice } from "./contrast.js";
import { allowDraggingCards } from "./dragging.js";
import { fitOnResize } from "./fit.js";
import { followJoinDisplay } from "./join_display.js";
import { keepDrafts } from "./drafts.js";
import { keepFocus } from "./focus.js";
import { flushOutbox, startComposer } from "./outbox.js";
import { code } from "./page.js";
import { afterSwap, watchRedraws } from "./parts.js";
import { startTimer } from "./timer.js";

function start() {
  keepFocus();
  keepDrafts();
  startTimer();
  var socket = connect(flushOutbox);

  /* htmx requests carry the CSRF token (forms also post it): pushed forms have none of
     their own (facilitation/web/__init__.py). */
  var csrfMeta = document.querySelector("meta[name=csrf-token]");
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (csrfMeta) { event.detail.headers["X-CSRFToken"] = csrfMeta.content; }
  });

  watchRedraws();
  allowDraggingCards();
  followContrastChoice();
  followJoinDisplay();
  fitOnResize();
  afterSwap(); // the server's own first draw: drafts back, timer set, fetches started
  startComposer(socket);
  // Said on the page, so tests (and anyone debugging) can tell the live script is running.
  document.documentElement.setAttribute("data-live", "started");
}

if (code) { start(); }
