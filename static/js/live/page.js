/*
 * What the server wrote on this page for the live script, read once when it starts: which
 * workshop and view this is, where the whole view is fetched from, the heartbeat settings
 * (templates/base.html), and the words the script says, in the page's language
 * (facilitation/i18n.py live_words). Every other module reads these here instead of the
 * body's data attributes.
 */

var body = document.body;

export var code = body.dataset.liveWorkshop;
export var stateUrl = body.dataset.stateUrl;
export var view = body.dataset.view;
// A phone's wall holds the latest items of each list; other screens are sent every item
// and leave the phones' shorter wall aside (broadcast.refresh_projector_wall).
export var onPhone = view === "participant";
export var words = JSON.parse(body.dataset.words || "{}");

// The server sends every workshop room a numbered beat this often (0: no beat is sent).
export var beatEvery = parseFloat(body.dataset.beatEvery || "0") * 1000;
// How long the server waits for a silent page before letting its connection go.
export var patience = parseFloat(body.dataset.patience || "45") * 1000;
