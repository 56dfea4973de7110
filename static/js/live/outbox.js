/*
 * The composer's outbox: nothing a person shares is ever lost.
 *
 * A contribution goes into the outbox in localStorage, with a client id of its own, before
 * it is sent; it leaves only when the server acknowledges it. Whatever is still queued is
 * sent again on the next connect with the same client id, so the server stores each
 * exactly once. A contribution the server refuses goes back into the composer's draft.
 * When the live channel never connected although the phone is online (blocked by the
 * network), the composer's plain form post goes instead.
 */

import { composerDraft, forgetComposerDraft, keepComposerDraft } from "./drafts.js";
import { words } from "./page.js";
import { load, outboxKey, store } from "./store.js";

var form = document.getElementById("composer");
var textarea = document.getElementById("composer-text");
var statusLine = document.getElementById("composer-status");
var socket = null;
var everConnected = false;
var inFlight = {};

function say(text) { if (statusLine) { statusLine.textContent = text; } }

function currentActivity() {
  var input = form && form.querySelector("input[name=activity]");
  return input ? input.value : "";
}

function newClientId() {
  var bytes = new Uint8Array(16);
  (window.crypto || window.msCrypto).getRandomValues(bytes);
  return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
}

function outbox() { return load(outboxKey, []); }

function stillQueued(item) {
  return outbox().some(function (other) { return other.client_id === item.client_id; });
}

/* Emit only while connected and once at a time: whatever is still queued is sent again on
   the next connect, with the same client id, so the server stores it exactly once. */
function send(item) {
  if (!socket.connected || inFlight[item.client_id] || !stillQueued(item)) { return; }
  inFlight[item.client_id] = true;
  socket.timeout(15000).emit("contribute", item, function (err, reply) {
    delete inFlight[item.client_id];
    if (err) {
      if (!stillQueued(item)) { return; } // a later send was answered already
      say(words.still_sending);
      window.setTimeout(function () { send(item); }, 5000);
      return;
    }
    if (reply && reply.retry_after) {
      // Too fast: it stays queued and goes by itself once the wait is over.
      say(reply.error);
      window.setTimeout(function () { send(item); }, reply.retry_after * 1000);
      return;
    }
    store(outboxKey, outbox().filter(function (other) { return other.client_id !== item.client_id; }));
    if (reply && reply.ok) {
      say(words.shared);
      return;
    }
    // Refused (for example the room moved on): give the words back, never drop them.
    if (textarea) {
      textarea.value = textarea.value ? textarea.value + "\n" + item.text : item.text;
      keepComposerDraft(textarea.value);
    }
    say((reply && reply.error) || words.refused);
  });
}

/* Sends whatever is queued: after each (re)connect, once the view is fetched again
   (main.js hands it to connection.js). */
export function flushOutbox() {
  if (!form) { return; }
  var queued = outbox();
  if (queued.length) { say(words.offline_flush); }
  queued.forEach(send);
}

/* Starts the composer on `liveSocket`, the page's connection (connection.js). */
export function startComposer(liveSocket) {
  socket = liveSocket;
  socket.on("connect", function () { everConnected = true; });
  socket.on("disconnect", function () {
    inFlight = {}; // answers never cross connections: whatever is queued goes again
  });
  if (!form || !textarea) { return; }
  if (form.dataset.sent) {
    forgetComposerDraft(); // the plain form post was acknowledged by the server
    say(words.shared);
  }
  if (!textarea.value) { textarea.value = composerDraft(); }
  textarea.addEventListener("input", function () { keepComposerDraft(textarea.value); });
  form.addEventListener("submit", function (event) {
    // Never connected and online: the live channel is blocked, so let the plain form post go.
    if (!socket.connected && !everConnected && navigator.onLine !== false) { return; }
    event.preventDefault();
    var text = textarea.value.trim();
    if (!text) { say(words.empty); textarea.focus(); return; }
    var item = { client_id: newClientId(), activity: currentActivity(), text: text };
    store(outboxKey, outbox().concat([item]));
    textarea.value = "";
    forgetComposerDraft();
    if (socket.connected) {
      say(words.sending);
      send(item);
    } else {
      say(words.saved_offline);
    }
  });
}
