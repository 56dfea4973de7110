/*
 * Appreciate's live glue: one Socket.IO connection per page, server-rendered fragments
 * swapped in by htmx, and an outbox so nothing a person typed is ever lost.
 *
 * - Every push is a bag of elements carrying hx-swap-oob; htmx does all DOM work.
 * - Elements carry data-version; a late push never overwrites newer state.
 * - On every (re)connect the page re-fetches its whole view, because pushes missed while
 *   a phone slept are not replayed.
 * - Drafts and unsent contributions live in localStorage until the server acknowledges them;
 *   they are re-sent with the same client id, so the server stores each exactly once.
 */
(function () {
  "use strict";

  var body = document.body;
  var code = body.dataset.liveWorkshop;
  if (!code) { return; }
  var stateUrl = body.dataset.stateUrl;
  var draftKey = "appreciate:draft:" + code;
  var outboxKey = "appreciate:outbox:" + code;
  var connection = document.getElementById("connection");
  var announcer = document.getElementById("announcer");
  var form = document.getElementById("composer");
  var textarea = document.getElementById("composer-text");
  var statusLine = document.getElementById("composer-status");
  var pendingNew = 0;
  var announceTimer = null;
  var everConnected = false;
  var inFlight = {};

  function store(key, value) {
    try {
      if (value === null) { localStorage.removeItem(key); } else { localStorage.setItem(key, JSON.stringify(value)); }
    } catch (e) { /* private mode or full storage: the text stays in the box instead */ }
  }

  function load(key, fallback) {
    try {
      var raw = localStorage.getItem(key);
      return raw === null ? fallback : JSON.parse(raw);
    } catch (e) { return fallback; }
  }

  function newClientId() {
    var bytes = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  function setConnection(state, words) {
    if (!connection) { return; }
    connection.dataset.state = state;
    connection.textContent = words;
  }

  function announce(words) {
    if (!announcer) { return; }
    announcer.textContent = "";
    window.setTimeout(function () { announcer.textContent = words; }, 50);
  }

  function announceNewCards(count) {
    pendingNew += count;
    if (announceTimer) { return; }
    // Batch: a busy room must not flood a screen reader with one message per card.
    announceTimer = window.setTimeout(function () {
      announce(pendingNew === 1 ? "1 new contribution shared." : pendingNew + " new contributions shared.");
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
     already has; then let htmx swap the rest. */
  function applyFragments(html) {
    var template = document.createElement("template");
    template.innerHTML = html;
    var oldPhase = document.getElementById("phase-panel");
    var before = oldPhase ? oldPhase.dataset.phase + "/" + oldPhase.dataset.activity : "";
    var newCards = 0;
    Array.prototype.slice.call(template.content.children).forEach(function (el) {
      var target = targetOf(el);
      if (!target) { el.remove(); return; }
      var incoming = parseInt(el.dataset.version || "", 10);
      var current = parseInt(target.dataset.version || "", 10);
      if (!isNaN(incoming) && !isNaN(current) && incoming < current) { el.remove(); return; }
      if ((el.getAttribute("hx-swap-oob") || "").indexOf("beforeend") === 0) {
        Array.prototype.slice.call(el.children).forEach(function (child) {
          if (child.id && document.getElementById(child.id)) { child.remove(); } else { newCards += 1; }
        });
        if (!el.children.length) { el.remove(); }
      }
    });
    if (!template.content.children.length) { return; }
    var focusedId = document.activeElement && document.activeElement.id;
    htmx.swap(document.body, template.innerHTML, { swapStyle: "none" });
    if (focusedId && document.activeElement === document.body) {
      var again = document.getElementById(focusedId);
      if (again) { again.focus(); }
    }
    var newPhase = document.getElementById("phase-panel");
    if (newPhase && before && before !== newPhase.dataset.phase + "/" + newPhase.dataset.activity) {
      var title = newPhase.querySelector(".activity-title");
      announce("Now: " + newPhase.dataset.phaseLabel + (title ? ". " + title.textContent : "."));
    }
    if (newCards) { announceNewCards(newCards); }
  }

  function resync() {
    return fetch(stateUrl, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { if (html) { applyFragments(html); } })
      .catch(function () { /* the next reconnect tries again */ });
  }

  // WebSocket first, long-polling only if that fails: no upgrade half-way through, so a
  // server that dies at that moment is noticed at once rather than at the next heartbeat.
  var socket = io({ auth: { workshop: code }, reconnectionDelayMax: 5000,
                    transports: ["websocket", "polling"], tryAllTransports: true });

  socket.on("connect", function () {
    everConnected = true;
    setConnection("connected", "Connected");
    resync().then(flushOutbox);
  });
  socket.on("disconnect", function () {
    inFlight = {}; // answers never cross connections: whatever is queued goes again
    setConnection("reconnecting", "Reconnecting… your text is safe.");
  });
  socket.on("connect_error", function () {
    setConnection("reconnecting", "Reconnecting… your text is safe.");
  });
  socket.on("fragment", function (html) {
    applyFragments(html);
    if (document.querySelector("[data-workshop-deleted]")) { forgetWorkshop(); }
  });

  /* The facilitator deleted the workshop: keep nothing of it on this device. */
  function forgetWorkshop() {
    store(draftKey, null);
    store(outboxKey, null);
    socket.disconnect();
    setConnection("ended", "This workshop has been deleted");
  }

  /* ---- the composer: drafts and the outbox ---- */

  function say(words) { if (statusLine) { statusLine.textContent = words; } }

  function currentActivity() {
    var input = form && form.querySelector("input[name=activity]");
    return input ? input.value : "";
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
        say("Still sending… your text is safe and will be sent when the connection is back.");
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
        say("Shared. Thank you.");
        return;
      }
      // Refused (for example the room moved on): give the words back, never drop them.
      if (textarea) {
        textarea.value = textarea.value ? textarea.value + "\n" + item.text : item.text;
        store(draftKey, textarea.value);
      }
      say((reply && reply.error) || "That could not be shared. Your text is back in the box.");
    });
  }

  function flushOutbox() {
    if (!form) { return; }
    var queued = outbox();
    if (queued.length) { say("Sending what you wrote while offline…"); }
    queued.forEach(send);
  }

  if (form && textarea) {
    if (form.dataset.sent) {
      store(draftKey, null); // the plain form post was acknowledged by the server
      say("Shared. Thank you.");
    }
    if (!textarea.value) { textarea.value = load(draftKey, ""); }
    textarea.addEventListener("input", function () { store(draftKey, textarea.value); });
    form.addEventListener("submit", function (event) {
      // Only if the live connection never worked here, fall back to the plain form post;
      // once it has, an offline phone keeps the text queued rather than leave the page.
      if (!socket.connected && !everConnected) { return; }
      event.preventDefault();
      var text = textarea.value.trim();
      if (!text) { say("Please write something first."); textarea.focus(); return; }
      var item = { client_id: newClientId(), activity: currentActivity(), text: text };
      store(outboxKey, outbox().concat([item]));
      textarea.value = "";
      store(draftKey, null);
      say(socket.connected ? "Sending…" : "Kept on this phone: it will be sent when the connection is back.");
      send(item);
    });
  }
})();
