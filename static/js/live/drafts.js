/*
 * Nothing someone is typing or choosing is lost to a redraw, a reload or a lost connection.
 *
 * - Fields marked data-draft (story notes and the like) are kept on this device as they are
 *   typed, and put back whenever their form is redrawn, until the server has saved them.
 * - The composer's text has a draft of its own (outbox.js keeps and clears it).
 * - Any other field someone changed and has not sent (cards ticked for a new theme, a name
 *   half typed, a choice made with the arrow keys) is put back after a redraw of the part
 *   that holds it.
 */

import { composerDraftKey, fieldDraftKey, load, store } from "./store.js";

/* ---- fields marked data-draft ---- */

export function restoreDrafts() {
  Array.prototype.forEach.call(document.querySelectorAll("[data-draft]"), function (field) {
    var saved = load(fieldDraftKey(field), null);
    if (saved !== null && field.value !== saved) { field.value = saved; }
  });
}

/* ---- the composer's draft ---- */

export function composerDraft() { return load(composerDraftKey, ""); }

export function keepComposerDraft(text) { store(composerDraftKey, text); }

export function forgetComposerDraft() { store(composerDraftKey, null); }

/* ---- fields changed and not sent ----
   What differs from what the server drew, and has not been sent, is put back on the field
   with the same id, unless the server has since drawn that field differently. Draft fields
   have their own store. */
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

/* Taken just before a redraw, given back to putBack just after it. */
export function unsavedFields() {
  var kept = [];
  Array.prototype.forEach.call(document.querySelectorAll("input[id], textarea[id], select[id]"), function (field) {
    if (field.type === "hidden" || field.dataset.draft || sentFields[field.id]) { return; }
    if (currentValue(field) !== drawnValue(field)) {
      kept.push({ id: field.id, value: currentValue(field), drawn: drawnValue(field) });
    }
  });
  return kept;
}

export function putBack(kept) {
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

export function keepDrafts() {
  ["input", "change"].forEach(function (type) {
    document.body.addEventListener(type, function (event) {
      if (event.target.id) { delete sentFields[event.target.id]; }
    });
  });
  document.body.addEventListener("htmx:beforeRequest", markSent);
  document.body.addEventListener("input", function (event) {
    if (event.target.dataset && event.target.dataset.draft) {
      store(fieldDraftKey(event.target), event.target.value);
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
        store(fieldDraftKey(field), null);
      });
    }
  });
}
