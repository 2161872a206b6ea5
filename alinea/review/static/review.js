// alinea review: the page. Plain DOM, no framework; every text goes in with textContent (never as HTML).
"use strict";

const TOKEN = new URLSearchParams(location.search).get("token") || "";
const state = {
  view: { offset: 0, limit: 100, filter: "all", order: "document", q: "" },
  data: null,          // the last view the server sent
  focus: { row: 0, side: "src", k: 0 },
  busy: false,
  editing: null,       // the textarea being edited, if any
  firstPaint: true,
};
const $ = (id) => document.getElementById(id);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("data-")) node.setAttribute(key, value);
    else node[key] = value;
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

function setStatus(message, isError) {
  const status = $("status");
  status.textContent = message || "";
  status.classList.toggle("error", !!isError);
}

function setBusy(busy) {
  state.busy = busy;
  document.body.dataset.busy = busy ? "1" : "0";
}

async function request(path, body) {
  const options = { headers: { "X-Alinea-Token": TOKEN } };
  if (body !== undefined) {
    options.method = "POST";
    options.headers["Content-Type"] = "application/json";
    options.body = JSON.stringify(body);
  }
  const response = await fetch(path, options);
  let data = null;
  try { data = await response.json(); } catch (e) { data = null; }
  if (!response.ok) throw new Error((data && data.error) || `${response.status} ${response.statusText}`);
  return data;
}

function viewQuery() {
  const v = state.view;
  return new URLSearchParams({ offset: v.offset, limit: v.limit, filter: v.filter, order: v.order, q: v.q }).toString();
}

async function load() {
  setBusy(true);
  try {
    show(await request(`api/view?${viewQuery()}`));
  } catch (error) {
    setStatus(error.message, true);
  } finally {
    setBusy(false);
  }
}

// One edit: the answer is the refreshed view, so an edit costs one round trip.
async function edit(op, args) {
  if (state.busy) return;
  setBusy(true);
  try {
    const data = await request("api/edit", {
      op, args: args || {}, revision: state.data ? state.data.revision : null, view: state.view,
    });
    show(data);
    // A re-alignment that found nothing to change is said as such, not as something done.
    setStatus(data.noop ? data.done : `done: ${data.done}`);
  } catch (error) {
    setStatus(error.message, true);
  } finally {
    setBusy(false);
  }
}

// ------------------------------------------------------------------ rendering

function show(data) {
  state.data = data;
  state.view.offset = data.offset;
  const s = data.summary;
  document.title = `alinea review: ${s.title}`;
  $("title").textContent = `Review: ${s.title}`;
  const kinds = Object.entries(s.kinds).map(([k, n]) => `${k}: ${n}`).join(", ");
  let counts = `${s.beads} beads (${kinds}); ${s.confirmed} confirmed, ${s.edited} edited; ` +
    `${s.sentences.src} ${s.src_lang} and ${s.sentences.tgt} ${s.tgt_lang} sentences`;
  // What of the input is not here (skipped units, sentences its writer left out): never without a word.
  for (const note of s.notes) counts += `; ${note}`;
  $("counts").textContent = counts;
  $("src-head").textContent = s.src_lang;
  $("tgt-head").textContent = s.tgt_lang;
  $("undo").disabled = !data.undo;
  $("undo").title = data.undo ? `Undo: ${data.undo} (Ctrl+Z)` : "Nothing to undo";
  $("redo").disabled = !data.redo;
  $("redo").title = data.redo ? `Redo: ${data.redo} (Ctrl+Y)` : "Nothing to redo";
  const last = Math.min(data.offset + data.limit, data.total);
  $("page-info").textContent = data.total ? `beads ${data.offset + 1}–${last} of ${data.total} listed` : "no bead listed";
  $("prev-page").disabled = data.offset === 0;
  $("next-page").disabled = last >= data.total;
  const list = $("beads");
  const rows = data.beads.map(renderBead);
  list.replaceChildren(...(rows.length ? rows : [el("div", { class: "empty-list", text: "No bead matches." })]));
  document.body.dataset.revision = String(data.revision);
  clampFocus();
  paintFocus(false);
  if (state.firstPaint) {
    state.firstPaint = false;
    performance.mark("alinea-beads-shown");
    document.body.dataset.ready = "1";
  }
}

function renderBead(bead, row) {
  const kindClass = bead.kind.includes("0") ? "kind null" : bead.kind === "1-1" ? "kind" : "kind many";
  const lowScore = bead.reasons.some((r) => r.startsWith("low confidence"));
  const meta = el("div", { class: "meta" },
    el("span", { class: "num", text: `#${bead.bead}` }),
    el("span", { class: kindClass, text: bead.kind }),
    bead.score === null
      ? el("span", { class: "score none", text: " no score",
                     title: "No alignment confidence: the input unit had no x-score, or the bead was made by hand" })
      : el("span", { class: lowScore ? "score low" : "score", text: ` ${bead.score.toFixed(2)}`,
                     title: "Alignment confidence (the aligner's score)" }),
    bead.confirmed ? el("span", { class: "badge ok", text: "✓ confirmed" }) : null,
    bead.edited ? el("span", { class: "badge", text: "✎ edited" }) : null);
  for (const reason of bead.reasons) meta.append(el("span", { class: "reason", text: reason }));
  for (const problem of bead.problems) meta.append(el("span", { class: "reason problem", text: problem }));
  const actions = el("div", { class: "actions" },
    button("⤒ merge", "Merge with the previous bead (M)", "merge-prev"),
    button("⤓ merge", "Merge with the next bead (m)", "merge-next"),
    button(bead.confirmed ? "✗ unconfirm" : "✓ confirm", "Confirm or unconfirm this bead (c)", "confirm"));
  return el("div", { class: bead.confirmed ? "bead confirmed" : "bead", "data-bead": bead.bead, "data-row": row },
    meta, renderSide(bead, "src"), renderSide(bead, "tgt"), actions);
}

function renderSide(bead, side) {
  const box = el("div", { class: bead[side].length ? `side ${side}` : `side ${side} empty`, "data-side": side });
  bead[side].forEach((sentence, k) => {
    box.append(el("div", { class: sentence.edited ? "sent edited" : "sent", "data-side": side, "data-k": k,
                           "data-id": sentence.id },
      el("span", { class: "sid", text: String(sentence.id) }),
      el("span", { class: "text", text: sentence.text })));
  });
  return box;
}

function button(label, title, name) {
  const node = el("button", { type: "button", title, text: label });
  node.setAttribute("data-action", name);
  return node;
}

// One set of sentence tools, shown on the selected sentence or the one under the pointer
// (a page of 100 beads renders faster without a set per sentence).
const TOOLS = el("span", { class: "tools" },
  button("✂", "Split the bead after this sentence (s)", "split"),
  button("↑", "Move this sentence to the previous bead ([)", "move-up"),
  button("↓", "Move this sentence to the next bead (])", "move-down"),
  button("∅", "Mark this sentence unaligned (x)", "unalign"),
  button("✎", "Edit the text (e or Enter)", "edit"));

const ACTIONS = {
  "merge-prev": (at) => edit("merge_prev", { bead: at.bead }),
  "merge-next": (at) => edit("merge_next", { bead: at.bead }),
  "confirm": (at) => edit("confirm", { bead: at.bead }),
  "split": (at) => edit("split", at),
  "move-up": (at) => edit("move_up", at),
  "move-down": (at) => edit("move_down", at),
  "unalign": (at) => edit("unalign", at),
  "edit": () => startEditing(),
};

// Clicks anywhere in the list: select what was clicked, run the button's action on it.
function onListClick(event) {
  if (event.target.closest("textarea")) return;
  const beadNode = event.target.closest(".bead");
  if (!beadNode) return;
  const row = Number(beadNode.dataset.row);
  const sentence = event.target.closest(".sent");
  if (sentence) state.focus = { row, side: sentence.dataset.side, k: Number(sentence.dataset.k) };
  else state.focus.row = row;
  paintFocus(false);
  const control = event.target.closest("button[data-action]");
  if (!control) return;
  control.blur();  // keys go on acting on the selection, not on the button
  const bead = rows()[row];
  const at = { bead: bead.bead };
  if (sentence) Object.assign(at, { side: sentence.dataset.side, sentence: Number(sentence.dataset.id) });
  ACTIONS[control.dataset.action](at);
}

function onListDoubleClick(event) {
  if (event.target.closest(".sent") && !event.target.closest("button, textarea")) startEditing();
}

function onListHover(event) {
  const sentence = event.target.closest(".sent");
  if (sentence && !state.editing && TOOLS.parentNode !== sentence) sentence.append(TOOLS);
}

// ------------------------------------------------------------------ focus

function rows() { return state.data ? state.data.beads : []; }

function clampFocus() {
  const f = state.focus;
  const count = rows().length;
  f.row = Math.max(0, Math.min(f.row, count - 1));
  const bead = rows()[f.row];
  if (!bead) return;
  if (!bead[f.side].length) f.side = f.side === "src" ? "tgt" : "src";
  f.k = Math.max(0, Math.min(f.k, bead[f.side].length - 1));
}

function paintFocus(scroll) {
  document.querySelectorAll(".bead.focus, .sent.focus").forEach((n) => n.classList.remove("focus"));
  const node = document.querySelector(`.bead[data-row="${state.focus.row}"]`);
  if (!node) return;
  node.classList.add("focus");
  const sentence = node.querySelector(`.sent[data-side="${state.focus.side}"][data-k="${state.focus.k}"]`);
  if (sentence) {
    sentence.classList.add("focus");
    if (!state.editing) sentence.append(TOOLS);
  }
  if (scroll) (sentence || node).scrollIntoView({ block: "nearest" });
}

function focusRow(row) { state.focus.row = row; paintFocus(false); }

function focused() {
  const bead = rows()[state.focus.row];
  if (!bead) return null;
  const sentence = bead[state.focus.side][state.focus.k];
  return { bead, sentence, side: state.focus.side };
}

function moveBead(delta) {
  const f = state.focus;
  const next = f.row + delta;
  if (next < 0 || next >= rows().length) {
    if (delta > 0 && !$("next-page").disabled) return changePage(1, 0);
    if (delta < 0 && !$("prev-page").disabled) return changePage(-1, state.view.limit - 1);
    return;
  }
  f.row = next;
  f.k = delta > 0 ? 0 : Math.max(0, (rows()[next][f.side] || []).length - 1);
  clampFocus();
  paintFocus(true);
}

function moveSentence(delta) {
  const f = state.focus;
  const bead = rows()[f.row];
  const k = f.k + delta;
  if (bead && k >= 0 && k < bead[f.side].length) {
    f.k = k;
    paintFocus(true);
    return;
  }
  // Into the neighbouring beads, skipping those with nothing on this side.
  let row = f.row + delta;
  while (row >= 0 && row < rows().length && !rows()[row][f.side].length) row += delta;
  if (row < 0 || row >= rows().length) return moveBead(delta);
  f.row = row;
  f.k = delta > 0 ? 0 : rows()[row][f.side].length - 1;
  paintFocus(true);
}

function switchSide(side) {
  state.focus.side = side;
  state.focus.k = 0;
  clampFocus();
  paintFocus(true);
}

async function changePage(delta, row) {
  const v = state.view;
  v.offset = Math.max(0, v.offset + delta * v.limit);
  state.focus.row = row;
  await load();
  paintFocus(true);
}

// ------------------------------------------------------------------ text editing

function startEditing() {
  const target = focused();
  if (!target || !target.sentence || state.editing) return;
  const node = document.querySelector(
    `.bead[data-row="${state.focus.row}"] .sent[data-side="${target.side}"][data-k="${state.focus.k}"]`);
  if (!node) return;
  const editor = el("textarea", { class: "editor", value: target.sentence.text });
  editor.setAttribute("aria-label", "Sentence text (Enter saves, Esc cancels)");
  TOOLS.remove();
  node.querySelector(".text").replaceWith(editor);
  state.editing = editor;
  editor.focus();
  editor.select();
  editor.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey) {
      event.preventDefault();
      const text = editor.value;
      state.editing = null;
      edit("edit_text", { bead: target.bead.bead, side: target.side, sentence: target.sentence.id, text });
    } else if (event.key === "Escape") {
      event.preventDefault();
      state.editing = null;
      show(state.data);
    }
    event.stopPropagation();
  });
}

// ------------------------------------------------------------------ keyboard

const KEYS = {
  "ArrowDown": () => moveSentence(1), "ArrowUp": () => moveSentence(-1),
  "j": () => moveBead(1), "k": () => moveBead(-1),
  "ArrowLeft": () => switchSide("src"), "ArrowRight": () => switchSide("tgt"),
  "h": () => switchSide("src"), "l": () => switchSide("tgt"),
  "m": () => withBead((b) => edit("merge_next", { bead: b.bead })),
  "M": () => withBead((b) => edit("merge_prev", { bead: b.bead })),
  "s": () => withSentence((at) => edit("split", at)),
  "[": () => withSentence((at) => edit("move_up", at)),
  "]": () => withSentence((at) => edit("move_down", at)),
  "x": () => withSentence((at) => edit("unalign", at)),
  "e": () => startEditing(), "Enter": () => startEditing(), "F2": () => startEditing(),
  "c": () => withBead((b) => edit("confirm", { bead: b.bead })),
  " ": () => withBead(async (b) => {
    if (!b.confirmed) await edit("confirm", { bead: b.bead, value: true });
    if (state.view.filter === "all" || b.confirmed) moveBead(1);
  }),
  "R": () => edit("realign"),
  "/": () => $("search").focus(),
  "n": () => { if (!$("next-page").disabled) changePage(1, 0); },
  "p": () => { if (!$("prev-page").disabled) changePage(-1, 0); },
  "PageDown": () => { if (!$("next-page").disabled) changePage(1, 0); },
  "PageUp": () => { if (!$("prev-page").disabled) changePage(-1, 0); },
};

function withBead(action) {
  const target = focused();
  if (target) action(target.bead);
}

function withSentence(action) {
  const target = focused();
  if (!target || !target.sentence) return setStatus("no sentence is selected", true);
  action({ bead: target.bead.bead, side: target.side, sentence: target.sentence.id });
}

document.addEventListener("keydown", (event) => {
  const typing = event.target.matches && event.target.matches("input, textarea, select");
  if (typing) {
    if (event.key === "Escape") {  // back to the list, keeping the search (a search field would clear itself)
      event.preventDefault();
      event.target.blur();
    }
    return;
  }
  if ((event.ctrlKey || event.metaKey) && !event.altKey) {
    const key = event.key.toLowerCase();
    if (key === "z" && !event.shiftKey) { event.preventDefault(); edit("undo"); }
    else if (key === "y" || (key === "z" && event.shiftKey)) { event.preventDefault(); edit("redo"); }
    return;
  }
  if (event.altKey) return;
  const action = KEYS[event.key];
  if (action) {
    event.preventDefault();
    action();
  }
});

// ------------------------------------------------------------------ toolbar

function exportLink(format) {
  const keep = $("keep-unaligned").checked ? "1" : "0";
  return `api/export?format=${format}&keep_unaligned=${keep}&token=${encodeURIComponent(TOKEN)}`;
}

function setExportLinks() {
  for (const format of ["tmx", "tsv", "xlsx"]) $(`export-${format}`).href = exportLink(format);
}

let searchTimer = null;
window.addEventListener("DOMContentLoaded", () => {
  for (const [id, key] of [["filter", "filter"], ["order", "order"]]) {
    $(id).addEventListener("change", (e) => {
      state.view[key] = e.target.value; state.view.offset = 0; state.focus.row = 0;
      e.target.blur();  // keys act on the list again at once
      load();
    });
  }
  const search = (e) => {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(() => {
      if (e.target.value === state.view.q) return;
      state.view.q = e.target.value; state.view.offset = 0; state.focus.row = 0; load();
    }, 250);
  };
  $("search").addEventListener("input", search);
  $("search").addEventListener("search", search);  // Esc clears a search field without an input event
  const list = $("beads");
  list.addEventListener("click", onListClick);
  list.addEventListener("dblclick", onListDoubleClick);
  list.addEventListener("mouseover", onListHover);
  list.addEventListener("mouseleave", () => paintFocus(false));
  const click = (id, action) => $(id).addEventListener("click", (e) => { e.currentTarget.blur(); action(); });
  click("undo", () => edit("undo"));
  click("redo", () => edit("redo"));
  click("realign", () => edit("realign"));
  click("prev-page", () => changePage(-1, 0));
  click("next-page", () => changePage(1, 0));
  $("keep-unaligned").addEventListener("change", setExportLinks);
  setExportLinks();
  load();
});
