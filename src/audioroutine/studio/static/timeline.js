// A routine's time line drawn with CSS: chapters as labelled bands, holds and rests as spans,
// each cue as a mark where it falls (its words shown on hover and focus), the total length.
import { h, mmss } from "./dom.js";

const pct = (t, total) => `${((100 * t) / total).toFixed(3)}%`;

function band(item, total, className, label) {
  const el = h("div", { class: className, title: label });
  el.style.left = pct(item.start, total);
  el.style.width = pct(Math.max(item.end - item.start, 0), total);
  return el;
}

function cueLabel(cue) {
  const words = cue.kind === "chime" ? "(chime)" : cue.text || "";
  return `${mmss(cue.start)} ${words}`.trim();
}

/** Moves focus among the cue marks with the arrow keys (one tab stop for all of them). */
function roving(marks, show) {
  marks.forEach((mark, i) => {
    mark.tabIndex = i === 0 ? 0 : -1;
    mark.addEventListener("keydown", (event) => {
      const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
      const jump = { Home: 0, End: marks.length - 1 }[event.key];
      let next = step !== undefined ? i + step : jump;
      if (next === undefined) return;
      next = Math.max(0, Math.min(marks.length - 1, next));
      event.preventDefault();
      mark.tabIndex = -1;
      marks[next].tabIndex = 0;
      marks[next].focus();
    });
    const say = () => show(mark.dataset.words);
    mark.addEventListener("focus", say);
    mark.addEventListener("mouseenter", say);
  });
}

/**
 * Draws `timeline` (the API's TIMELINE) into `root`. `onCue(start)` is called when a cue mark is
 * pressed (to seek the player), `labels` gives the words for "chapters"/"cues" where known.
 */
export function drawTimeline(root, timeline, { onCue = null, legend = {} } = {}) {
  const total = Math.max(timeline.seconds, 0.001);
  const readout = h("p", { class: "tl-readout", "aria-live": "polite" });
  const chapters = h("div", { class: "tl-row tl-chapters", "aria-hidden": "true" },
    timeline.chapters.map((c) => {
      const el = band(c, total, "tl-ch", `${c.title} · ${mmss(c.start)}–${mmss(c.end)}`);
      el.append(h("span", {}, c.title));
      return el;
    }));
  const spans = h("div", { class: "tl-row tl-spans", "aria-hidden": "true" },
    timeline.spans.map((s) => band(s, total, `tl-span tl-${s.kind}`, `${s.kind} ${mmss(s.end - s.start)}`)));
  const marks = timeline.cues.map((cue) => {
    const words = cueLabel(cue);
    const mark = h("button", {
      type: "button", class: `tl-cue tl-cue-${cue.kind}`, "aria-label": words, title: words,
      "data-start": cue.start, "data-words": words,
      onclick: () => { if (onCue) onCue(cue.start); },
    });
    mark.style.left = pct(cue.start, total);
    return mark;
  });
  roving(marks, (text) => { readout.textContent = text; });
  const cues = h("div", {
    class: "tl-row tl-cues", role: "group", "aria-label": legend.cues || "Cues (arrow keys move between them)",
  }, marks);
  const axis = h("div", { class: "tl-axis", "aria-hidden": "true" },
    h("span", {}, "00:00"), h("span", {}, mmss(timeline.seconds)));
  const kinds = [...new Set(timeline.spans.map((s) => s.kind))];
  const key = h("ul", { class: "tl-key", "aria-label": legend.key || "Key" },
    kinds.map((kind) => h("li", {}, h("span", { class: `tl-swatch tl-${kind}`, "aria-hidden": "true" }), kind)),
    h("li", {}, h("span", { class: "tl-swatch tl-cue-mark", "aria-hidden": "true" }), "cue"));
  root.replaceChildren(h("div", { class: "tl" }, chapters, spans, cues, axis), key, readout);
}

/** The chapters as a list (the time line's words for a screen reader, and its table). */
export function chapterList(timeline) {
  return h("ol", { class: "chapter-list" }, timeline.chapters.map((c) =>
    h("li", {}, h("span", { class: "time" }, mmss(c.start)), " ", c.title,
      h("span", { class: "soft" }, ` · ${mmss(c.end - c.start)}`))));
}
