/*
 * A projector shows only what fits on its screen: nobody scrolls a projector. A wall keeps
 * its newest items (the oldest give way), a ranked list its top ones, each theme of the
 * positive core its first items, and a line says how many more there are; a long spotlighted
 * card gets smaller type until it fits. Run after every redraw and when the window changes
 * size; on any other view it does nothing, and phones are sent the same markup as before.
 *
 * Each list is measured against the box app.css bounds it with (the projector's layout gives
 * the wall and each theme a fixed height and clips what overflows).
 */

import { view, words } from "./page.js";

// [the lists, which end of each is kept, the box that bounds them]
var LISTS = [
  ["#wall > .cards", "latest", "#wall"],
  ["#wall > .results", "top", "#wall"],
  ["#wall .core-items", "top", ".core-theme"],
];

function overflows(box) { return box.scrollHeight > box.clientHeight + 1; }

function moreNote(list, hidden) {
  var note = list.nextElementSibling;
  if (!note || !note.classList.contains("fit-more")) {
    note = document.createElement("p");
    note.className = "fit-more";
    list.parentNode.insertBefore(note, list.nextSibling);
  }
  note.hidden = hidden === 0;
  note.textContent = hidden === 1 ? words.one_more : words.many_more.replace("{n}", hidden);
}

/* Show items one at a time from the end that is kept until the box overflows, then take
   the last one back (one item always shows). Ten to twenty layouts for a wall, not one per
   card it holds. */
function fitList(list, keep, box) {
  var items = Array.prototype.slice.call(list.children);
  if (keep === "latest") { items.reverse(); }
  items.forEach(function (item) { item.hidden = true; });
  for (var i = 0; i < items.length; i++) {
    items[i].hidden = false;
    moreNote(list, items.length - i - 1);
    if (i > 0 && overflows(box)) {
      items[i].hidden = true;
      moreNote(list, items.length - i);
      return;
    }
  }
}

function fitSpotlight() {
  var spotlight = document.getElementById("spotlight");
  var text = spotlight && !spotlight.hidden ? spotlight.querySelector(".spotlight-text") : null;
  if (!text) { return; }
  text.style.fontSize = "";
  var size = parseFloat(window.getComputedStyle(text).fontSize);
  var least = parseFloat(window.getComputedStyle(document.body).fontSize);
  while (overflows(spotlight) && size * 0.9 >= least) {
    size *= 0.9;
    text.style.fontSize = size + "px";
  }
}

function fitted() {
  return window.matchMedia("(min-width: 60rem) and (min-height: 30rem)").matches;
}

export function fitToScreen() {
  if (view !== "projector") { return; }
  LISTS.forEach(function (entry) {
    Array.prototype.forEach.call(document.querySelectorAll(entry[0]), function (list) {
      var box = list.closest(entry[2]);
      if (!fitted() || !box) {  // a small window scrolls as any page does: show everything
        Array.prototype.forEach.call(list.children, function (item) { item.hidden = false; });
        moreNote(list, 0);
        return;
      }
      fitList(list, entry[1], box);
    });
  });
  fitSpotlight();
}

export function fitOnResize() {
  if (view !== "projector") { return; }
  var pending = null;
  window.addEventListener("resize", function () {
    if (pending) { window.cancelAnimationFrame(pending); }
    pending = window.requestAnimationFrame(function () { pending = null; fitToScreen(); });
  });
}
