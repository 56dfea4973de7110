/*
 * What this device keeps in localStorage, and under which names: unsent contributions,
 * drafts, the projector's contrast choice and whether it shows the join code large. Reading and writing never fail (private mode
 * or full storage only means the text stays in its box), and forgetting a workshop finds
 * every name here.
 */

import { code } from "./page.js";

// The composer's draft; a field marked data-draft keeps its own under fieldDraftKey.
export var composerDraftKey = "appreciate:draft:" + code;
export var outboxKey = "appreciate:outbox:" + code;
// Not per workshop: the projector follows this browser's choice in every workshop.
export var contrastKey = "appreciate:projector-contrast";
// Per workshop: the join code shown large on the projector (join_display.js).
export var joinShownKey = "appreciate:projector-join:" + code;

export function fieldDraftKey(field) { return composerDraftKey + ":" + field.dataset.draft; }

export function store(key, value) {
  try {
    if (value === null) { localStorage.removeItem(key); } else { localStorage.setItem(key, JSON.stringify(value)); }
  } catch (e) { /* private mode or full storage: the text stays in the box instead */ }
}

export function load(key, fallback) {
  try {
    var raw = localStorage.getItem(key);
    return raw === null ? fallback : JSON.parse(raw);
  } catch (e) { return fallback; }
}

/* The facilitator deleted the workshop: its drafts (the composer's and every field's) and
   its outbox go from this device. */
export function forgetWorkshop() {
  var fieldDrafts = [];
  try {
    for (var i = 0; i < localStorage.length; i++) {
      var key = localStorage.key(i);
      if (key && key.indexOf(composerDraftKey + ":") === 0) { fieldDrafts.push(key); }
    }
  } catch (e) { /* storage unavailable: nothing was kept */ }
  fieldDrafts.forEach(function (key) { store(key, null); });
  store(composerDraftKey, null);
  store(outboxKey, null);
  store(joinShownKey, null);
}
