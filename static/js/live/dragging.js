/*
 * Drag a card onto a theme: the same request as the card's "Move to" menu, for mouse users.
 * Cards carry data-item; themes are .drop-zone elements inside a board with data-move-url.
 */

export function allowDraggingCards() {
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
}
