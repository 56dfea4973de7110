/*
 * The page's one Socket.IO connection, and an honest word about it in #connection.
 *
 * - Long-polling first, then the upgrade to WebSocket: a proxy that blocks WebSocket never
 *   stops the page from connecting.
 * - On every (re)connect the page fetches its whole view again, because pushes missed
 *   while a phone slept are not replayed; then the caller's next step runs (main.js sends
 *   the outbox).
 * - The server sends every workshop room a numbered beat every few seconds, through the
 *   same path as every other push (facilitation/live/heartbeat.py). The page says
 *   "Connected" only while pushes arrive: after three beats of silence it says it is
 *   reconnecting, reconnects and fetches the whole view again. A number skipped means a
 *   push was missed: the page fetches its view again, after a random moment of up to
 *   data-spread ms in a big room.
 * - A push saying the workshop was deleted ends the connection and forgets the workshop.
 */

import { applyFragments } from "./parts.js";
import { beatEvery, code, patience, stateUrl, words } from "./page.js";
import { forgetWorkshop } from "./store.js";

// io is the vendored Socket.IO client, a classic script loaded before this module.

var connection = document.getElementById("connection");
var silenceAllowed = 3 * beatEvery + 1000 + Math.random() * beatEvery;
var lastHeard = Date.now();
var lastTick = Date.now();
var beats = {};
var socket = null;

function setConnection(state, text) {
  if (!connection) { return; }
  connection.dataset.state = state;
  connection.textContent = text;
}

/* Takes the beats out of what arrived, and notes any number skipped since the last. */
function takeBeats(root) {
  Array.prototype.slice.call(root.querySelectorAll("template[data-beat]")).forEach(function (beat) {
    var parts = beat.dataset.beat.split(":");
    var number = parseInt(parts[1], 10);
    var last = beats[parts[0]];
    if (last !== undefined && number > last + 1) {
      window.setTimeout(resync, Math.random() * (parseInt(beat.dataset.spread, 10) || 0));
    }
    beats[parts[0]] = number;
    beat.remove();
  });
}

function watchSilence() {
  var now = Date.now();
  var frozenFor = now - lastTick - 1000;
  lastTick = now;
  if (!beatEvery || !socket.connected) { return; }
  if (frozenFor > 4000) {
    // This page was asleep (a locked screen, a tab in the background). If it slept past
    // the server's patience its connection is gone: go at once. Otherwise what waited
    // for it arrives now; give that a beat before deciding.
    lastHeard = frozenFor > patience ? 0 : Math.max(lastHeard, now - silenceAllowed + beatEvery + 2000);
  }
  if (now - lastHeard > silenceAllowed) {
    lastHeard = now;
    setConnection("reconnecting", words.reconnecting);
    socket.io.engine.close(); // reconnects as any lost connection does, then resyncs
  }
}

/* Fragments, pushed or fetched: the heartbeat is taken out, the rest drawn (parts.js). */
function receive(html) {
  var template = document.createElement("template");
  template.innerHTML = html;
  takeBeats(template.content);
  applyFragments(template);
}

function resync() {
  return fetch(stateUrl, { credentials: "same-origin", headers: { "HX-Request": "true" } })
    .then(function (response) { return response.ok ? response.text() : ""; })
    .then(function (html) { if (html) { receive(html); } })
    .catch(function () { /* the next reconnect tries again */ });
}

/* The facilitator deleted the workshop: keep nothing of it on this device. */
function endDeletedWorkshop() {
  forgetWorkshop();
  socket.disconnect();
  setConnection("ended", words.deleted);
}

/* Opens the connection and returns the socket. `afterResync` runs once the whole view has
   been fetched again after each (re)connect. */
export function connect(afterResync) {
  window.setInterval(watchSilence, 1000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { watchSilence(); }
  });

  socket = io({ auth: { workshop: code }, reconnectionDelayMax: 5000 });

  /* engine.io-client 6 leaves long-polling paused for good when the WebSocket closes after
     answering its probe (the laptop stops mid-upgrade, or a proxy cuts the socket): the page
     would say "Connected" until the ping timeout, 45 s later. Close at once instead, which
     reconnects as any other lost connection does, and keep to long-polling from then on so
     a network that cuts WebSockets this way cannot make the page reconnect again and again. */
  socket.io.on("open", function () {
    var engine = socket.io.engine;
    engine.on("upgradeError", function () {
      if (!engine.upgrading) { return; } // the probe failed before polling paused: it goes on
      socket.io.opts.upgrade = false;
      engine.upgrading = false; // close() would otherwise wait for an upgrade that never comes
      engine.close();
    });
  });

  socket.on("connect", function () {
    beats = {};
    lastHeard = Date.now();
    setConnection("connected", words.connected);
    resync().then(afterResync);
  });
  socket.on("disconnect", function () {
    setConnection("reconnecting", words.reconnecting);
  });
  socket.on("connect_error", function () {
    setConnection("reconnecting", words.reconnecting);
  });
  socket.on("fragment", function (html) {
    lastHeard = Date.now();
    receive(html);
    if (document.querySelector("[data-workshop-deleted]")) { endDeletedWorkshop(); }
  });
  return socket;
}
