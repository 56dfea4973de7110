/*
 * The activity timer. The server sends only when the activity ends (data-ends-at on
 * #timer); every screen counts down by itself each second, and tells screen-reader users
 * once when a minute is left and once when time is up.
 */

import { announce } from "./announce.js";
import { words } from "./page.js";

// The moments already announced, per end time: a timer set again announces afresh.
var announcedFor = {};

function clock(seconds) {
  var sign = seconds < 0 ? "-" : "";
  var abs = Math.abs(seconds);
  var rest = abs % 60;
  return sign + Math.floor(abs / 60) + ":" + (rest < 10 ? "0" : "") + rest;
}

export function tickTimer() {
  var timer = document.getElementById("timer");
  if (!timer || !timer.dataset.endsAt) { return; }
  var endsAt = parseInt(timer.dataset.endsAt, 10);
  var left = Math.round((endsAt - Date.now()) / 1000);
  var face = timer.querySelector(".timer-clock");
  var said = timer.querySelector(".timer-words");
  if (face) { face.textContent = clock(left); }
  if (said) { said.textContent = left > 0 ? words.left.replace("{clock}", clock(left)) : words.time_up; }
  var seen = announcedFor[endsAt] || (announcedFor[endsAt] = {});
  if (left <= 60 && left > 50 && !seen.minute) { seen.minute = true; announce(words.one_minute); }
  if (left <= 0 && left > -10 && !seen.up) { seen.up = true; announce(words.time_up); }
}

export function startTimer() { window.setInterval(tickTimer, 1000); }
