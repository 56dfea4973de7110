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
  // A phone's wall holds the latest items of each list; other screens are sent every item
  // and leave the phones' shorter wall aside (broadcast.refresh_projector_wall).
  var onPhone = body.dataset.view === "participant";
  var draftKey = "appreciate:draft:" + code;
  var outboxKey = "appreciate:outbox:" + code;
  var connection = document.getElementById("connection");
  var announcer = document.getElementById("announcer");
  var form = document.getElementById("composer");
  var textarea = document.getElementById("composer-text");
  var statusLine = document.getElementById("composer-status");
  var composerSection = document.getElementById("composer-section");
  var csrfMeta = document.querySelector("meta[name=csrf-token]");
  var pendingNew = 0;
  var announceTimer = null;
  var lastFocusIds = [];
  var W = JSON.parse(body.dataset.words || "{}");
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
      announce(pendingNew === 1 ? W.one_new : W.many_new.replace("{n}", pendingNew));
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
    takeBeats(template.content);
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
      announce(W.now.replace("{phase}", newPhase.dataset.phaseLabel) + (title ? " " + title.textContent : ""));
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

  /* ---- an honest connection state ----
     The server sends every workshop room a numbered beat every few seconds, through the
     same path as every other push (facilitation/heartbeat.py). The page says "Connected"
     only while pushes arrive: after three beats of silence it says it is reconnecting,
     reconnects and fetches the whole view again. A number skipped means a push was missed:
     the page fetches its view again, after a random moment of up to data-spread ms in a big
     room. */
  var beatEvery = parseFloat(body.dataset.beatEvery || "0") * 1000;
  // How long the server waits for a silent page before letting its connection go.
  var patience = parseFloat(body.dataset.patience || "45") * 1000;
  var silenceAllowed = 3 * beatEvery + 1000 + Math.random() * beatEvery;
  var lastHeard = Date.now();
  var lastTick = Date.now();
  var beats = {};

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
      setConnection("reconnecting", W.reconnecting);
      socket.io.engine.close(); // reconnects as any lost connection does, then resyncs
    }
  }

  window.setInterval(watchSilence, 1000);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "visible") { watchSilence(); }
  });

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

  /* Keep keyboard and screen-reader users where they were when part of the page is redrawn:
     refocus the element with the same id, or else its nearest identified container. A part
     that is fetched again (a ballot, a panel) is briefly absent, so the wish to return waits
     until it is back, unless the person moves focus elsewhere first. */
  function rememberFocus() {
    var active = document.activeElement;
    if (!active || active === document.body) { return; }
    var ids = [];
    for (var el = active; el && el !== document.body && ids.length < 3; el = el.parentElement) {
      if (el.id) { ids.push(el.id); }
    }
    lastFocusIds = ids;
  }

  function restoreFocus() {
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

  document.addEventListener("focusin", function (event) {
    if (event.target !== document.body) { lastFocusIds = []; }
  });

  /* A redraw must not undo what someone is in the middle of (cards ticked for a new theme, a
     name half typed, a choice made with the arrow keys): what differs from what the server
     drew, and has not been sent, is put back on the field with the same id, unless the
     server has since drawn that field differently. Draft fields have their own store. */
  var sentFields = {};

  function drawnValue(field) {
    if (field.type === "checkbox" || field.type === "radio") { return field.defaultChecked; }
    if (field.tagName === "SELECT") {
      var drawn = Array.prototype.filter.call(field.options, function (o) { return o.defaultSelected; })[0]
        || field.options[0];
      return drawn ? drawn.value : "";
    }
    return field.defaultValue;
  }

  function currentValue(field) {
    return (field.type === "checkbox" || field.type === "radio") ? field.checked : field.value;
  }

  function unsavedFields() {
    var kept = [];
    Array.prototype.forEach.call(document.querySelectorAll("input[id], textarea[id], select[id]"), function (field) {
      if (field.type === "hidden" || field.dataset.draft || sentFields[field.id]) { return; }
      if (currentValue(field) !== drawnValue(field)) {
        kept.push({ id: field.id, value: currentValue(field), drawn: drawnValue(field) });
      }
    });
    return kept;
  }

  function putBack(kept) {
    kept.forEach(function (item) {
      var field = document.getElementById(item.id);
      if (!field || drawnValue(field) !== item.drawn) { return; }
      if (field.type === "checkbox" || field.type === "radio") { field.checked = item.value; } else { field.value = item.value; }
    });
  }

  function markSent(event) {
    var elt = event.detail && event.detail.elt;
    var sending = elt && (elt.tagName === "FORM" ? elt : elt.form);
    if (!sending) { return; }
    Array.prototype.forEach.call(sending.elements, function (field) {
      if (field.id) { sentFields[field.id] = true; }
    });
  }

  ["input", "change"].forEach(function (type) {
    document.body.addEventListener(type, function (event) {
      if (event.target.id) { delete sentFields[event.target.id]; }
    });
  });

  function draftKeyOf(field) { return "appreciate:draft:" + code + ":" + field.dataset.draft; }

  /* Fields marked data-draft (story notes and the like) are kept on the phone as they are
     typed, and put back whenever their form is redrawn, until the server has saved them. */
  function restoreDrafts() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-draft]"), function (field) {
      var saved = load(draftKeyOf(field), null);
      if (saved !== null && field.value !== saved) { field.value = saved; }
    });
  }

  function syncComposer() {
    var target = document.getElementById("composer-target");
    if (composerSection && target) { composerSection.hidden = target.dataset.composer !== "yes"; }
  }

  function afterSwap() {
    restoreFocus();
    restoreDrafts();
    syncComposer();
    tickTimer();
    startSpreadFetches();
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

  /* ---- the activity timer: the server sends when it ends; every screen counts down ---- */

  var announcedFor = {};

  function clock(seconds) {
    var sign = seconds < 0 ? "-" : "";
    var abs = Math.abs(seconds);
    var rest = abs % 60;
    return sign + Math.floor(abs / 60) + ":" + (rest < 10 ? "0" : "") + rest;
  }

  function tickTimer() {
    var timer = document.getElementById("timer");
    if (!timer || !timer.dataset.endsAt) { return; }
    var endsAt = parseInt(timer.dataset.endsAt, 10);
    var left = Math.round((endsAt - Date.now()) / 1000);
    var face = timer.querySelector(".timer-clock");
    var words = timer.querySelector(".timer-words");
    if (face) { face.textContent = clock(left); }
    if (words) { words.textContent = left > 0 ? W.left.replace("{clock}", clock(left)) : W.time_up; }
    var seen = announcedFor[endsAt] || (announcedFor[endsAt] = {});
    if (left <= 60 && left > 50 && !seen.minute) { seen.minute = true; announce(W.one_minute); }
    if (left <= 0 && left > -10 && !seen.up) { seen.up = true; announce(W.time_up); }
  }

  window.setInterval(tickTimer, 1000);

  function resync() {
    return fetch(stateUrl, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) { if (html) { applyFragments(html); } })
      .catch(function () { /* the next reconnect tries again */ });
  }

  // Long-polling first, then the upgrade to WebSocket: a proxy that blocks WebSocket never
  // stops the page from connecting.
  var socket = io({ auth: { workshop: code }, reconnectionDelayMax: 5000 });

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
    everConnected = true;
    beats = {};
    lastHeard = Date.now();
    setConnection("connected", W.connected);
    resync().then(flushOutbox);
  });
  socket.on("disconnect", function () {
    inFlight = {}; // answers never cross connections: whatever is queued goes again
    setConnection("reconnecting", W.reconnecting);
  });
  socket.on("connect_error", function () {
    setConnection("reconnecting", W.reconnecting);
  });
  socket.on("fragment", function (html) {
    lastHeard = Date.now();
    applyFragments(html);
    if (document.querySelector("[data-workshop-deleted]")) { forgetWorkshop(); }
  });

  /* The facilitator deleted the workshop: keep nothing of it on this device. */
  function forgetWorkshop() {
    store(draftKey, null);
    store(outboxKey, null);
    socket.disconnect();
    setConnection("ended", W.deleted);
  }

  /* htmx requests carry the CSRF token (forms also post it) and keep focus in place. */
  document.body.addEventListener("htmx:configRequest", function (event) {
    if (csrfMeta) { event.detail.headers["X-CSRFToken"] = csrfMeta.content; }
  });
  document.body.addEventListener("htmx:beforeRequest", function (event) {
    rememberFocus();
    markSent(event);
  });
  document.body.addEventListener("htmx:afterSettle", afterSwap);
  // A part fetched again over HTTP (a phone's own panel) keeps its open sections too.
  var shownBeforeSwap = {};
  document.body.addEventListener("htmx:beforeSwap", function () { shownBeforeSwap = disclosuresShown(); });
  document.body.addEventListener("htmx:afterSwap", function () { showDisclosures(document, shownBeforeSwap); });
  document.body.addEventListener("input", function (event) {
    if (event.target.dataset && event.target.dataset.draft) {
      store(draftKeyOf(event.target), event.target.value);
    }
  });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    // When the response redrew the form itself, htmx re-targets this event at an ancestor:
    // the request's own element is still in requestConfig.
    var config = event.detail.requestConfig;
    var form = (config && config.elt) || event.detail.elt;
    // Forms that create or save something forget their drafts once the server has them.
    if (event.detail.successful && form && (form.id === "story-form" || form.hasAttribute("data-clears-drafts"))) {
      Array.prototype.forEach.call(form.querySelectorAll("[data-draft]"), function (field) {
        store(draftKeyOf(field), null);
      });
    }
  });

  /* Drag a card onto a theme: the same request as the "Move to" menu, for mouse users. */
  document.body.addEventListener("dragstart", function (event) {
    var item = event.target.closest && event.target.closest("[data-item]");
    if (item) { event.dataTransfer.setData("text/plain", item.dataset.item); }
  });
  document.body.addEventListener("dragover", function (event) {
    if (event.target.closest && event.target.closest(".drop-zone")) { event.preventDefault(); }
  });
  document.body.addEventListener("drop", function (event) {
    var zone = event.target.closest && event.target.closest(".drop-zone");
    var board = zone && zone.closest("[data-move-url]");
    var ref = event.dataTransfer.getData("text/plain");
    if (!zone || !board || !ref) { return; }
    event.preventDefault();
    htmx.ajax("POST", board.dataset.moveUrl, { values: { item: ref, theme: zone.dataset.theme }, swap: "none" });
  });

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

  /* ---- the projector's high-contrast display ----
     Chosen on the projector or on the control page and kept in this browser's storage, so a
     projector window on the facilitator's laptop follows the control page at once (the
     storage event). Until someone chooses, it follows the system: more contrast, or forced
     colours, turns it on. */
  var contrastKey = "appreciate:projector-contrast";
  var systemContrast = window.matchMedia
    ? window.matchMedia("(prefers-contrast: more), (forced-colors: active)") : null;

  function highContrast() {
    var chosen = load(contrastKey, null);
    if (chosen !== null) { return chosen === "high"; }
    return !!(systemContrast && systemContrast.matches);
  }

  function showContrast() {
    var on = highContrast();
    if (body.dataset.view === "projector") { body.classList.toggle("contrast-high", on); }
    Array.prototype.forEach.call(document.querySelectorAll("[data-contrast-toggle]"), function (button) {
      button.setAttribute("aria-pressed", on ? "true" : "false");
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-contrast-tools]"), function (tools) {
      tools.hidden = false; // the buttons only work with this script, so they show with it
    });
  }

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

  afterSwap();

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
        say(W.still_sending);
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
        say(W.shared);
        return;
      }
      // Refused (for example the room moved on): give the words back, never drop them.
      if (textarea) {
        textarea.value = textarea.value ? textarea.value + "\n" + item.text : item.text;
        store(draftKey, textarea.value);
      }
      say((reply && reply.error) || W.refused);
    });
  }

  function flushOutbox() {
    if (!form) { return; }
    var queued = outbox();
    if (queued.length) { say(W.offline_flush); }
    queued.forEach(send);
  }

  if (form && textarea) {
    if (form.dataset.sent) {
      store(draftKey, null); // the plain form post was acknowledged by the server
      say(W.shared);
    }
    if (!textarea.value) { textarea.value = load(draftKey, ""); }
    textarea.addEventListener("input", function () { store(draftKey, textarea.value); });
    form.addEventListener("submit", function (event) {
      // Never connected and online: the live channel is blocked, so let the plain form post go.
      if (!socket.connected && !everConnected && navigator.onLine !== false) { return; }
      event.preventDefault();
      var text = textarea.value.trim();
      if (!text) { say(W.empty); textarea.focus(); return; }
      var item = { client_id: newClientId(), activity: currentActivity(), text: text };
      store(outboxKey, outbox().concat([item]));
      textarea.value = "";
      store(draftKey, null);
      if (socket.connected) {
        say(W.sending);
        send(item);
      } else {
        say(W.saved_offline);
      }
    });
  }
})();
