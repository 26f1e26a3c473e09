// One routine: its time line and total length, its chapters, the tuning form (each change asks
// the server for the new plan, ~150 ms after the last keystroke), Build and Save.
import { get, post, routinePath } from "./api.js";
import { debounce, h, mmss, word } from "./dom.js";
import { clearErrors, showErrors } from "./errors.js";
import { keepPanel } from "./keep.js";
import { buildPanel } from "./player.js";
import { chapterList, drawTimeline } from "./timeline.js";
import { tuneForm } from "./tune.js";

function facts(routine, labels) {
  const when = word(labels, routine.when, routine.when);
  const rows = [[word(labels, "when", "When"), when]];
  if (Array.isArray(routine.equipment)) {
    rows.push([word(labels, "equipment", "Equipment"), routine.equipment.join(", ") || word(labels, "none", "none")]);
  }
  return h("dl", { class: "facts" }, rows.filter(([, v]) => v).map(([k, v]) => [h("dt", {}, k), h("dd", {}, v)]));
}

/** "Every hold": one length typed once, put into each exercise's hold (each then its own --set key). */
function everyHold(form) {
  const holds = () => [...form.querySelectorAll("[data-field$='.hold']")];
  if (!holds().length) return null;
  const input = h("input", { type: "text", autocomplete: "off", id: "every-hold", placeholder: "45s" });
  const apply = h("button", { type: "button" }, "Apply to every hold");
  apply.addEventListener("click", () => {
    const value = input.value.trim();
    if (!value) return;
    for (const el of holds()) {
      el.value = value;
      el.dispatchEvent(new Event("input", { bubbles: true }));
    }
  });
  return h("div", { class: "row every", lang: "en" },
    h("label", { for: input.id }, "Every hold"), input, apply);
}

/** Renders the routine `id` into `main`; `go(hash)` moves to another view. */
export async function showRoutine(main, id, go) {
  const routine = await get(routinePath(id));
  const labels = routine.labels || {};
  let set = {};
  let valid = true;
  let asked = 0;

  const length = h("span", { class: "length", "data-seconds": routine.timeline.seconds },
    mmss(routine.timeline.seconds));
  const timeline = h("div", { class: "timeline" });
  const chapters = h("div", { class: "chapters-box" });
  const general = h("div", { class: "general-errors", "aria-live": "assertive" });
  const changes = h("ul", { class: "changes", "aria-live": "polite", lang: "en" });
  let player = null;

  const draw = (plan) => {
    // "about" until every phrase is spoken: an unspoken phrase's length is estimated from its letters
    length.textContent = plan.estimated ? `≈ ${mmss(plan.seconds)}` : mmss(plan.seconds);
    length.title = plan.estimated ? "about: some phrases are not spoken yet; Build gives the exact length" : "";
    length.dataset.seconds = plan.seconds;
    drawTimeline(timeline, plan, {
      onCue: (t) => { if (player && player.querySelector("audio")) player.querySelector("audio").currentTime = t; },
      legend: { cues: `${word(labels, "script", "Cues")} (arrow keys move between them)` },
    });
    chapters.replaceChildren(chapterList(plan));
  };
  const onError = (error) => showErrors(form, error.errors || [{ field: null, message: String(error) }], general);

  const plan = debounce(async () => {
    const mine = ++asked;
    try {
      const answer = await post(`${routinePath(id)}/plan`, { set });
      if (mine !== asked) return;
      if (answer.errors) {  // a bad value: its message beside its control, the last good time line stays
        valid = false;
        onError(answer);
        return;
      }
      valid = true;
      clearErrors(form);
      general.replaceChildren();
      draw(answer.timeline);
      changes.replaceChildren(...(answer.changes || []).map((c) => h("li", {}, c)));
    } catch (error) {
      if (mine !== asked) return;
      valid = false;
      onError(error);  // the last good time line stays
    }
  }, 150);

  const { form } = tuneForm(routine, (next) => {
    set = next;
    asked += 1;  // a plan already on its way is for the tuning as it was
    keep.forget();
    plan();
  });
  const keep = keepPanel(routine, () => set, {
    onError,
    onSavedAs: (newId) => go(`#/routine/${encodeURIComponent(newId)}`),
  });
  // Once built, every phrase is spoken: the time line is laid out again with their real lengths
  // (before, unspoken phrases are estimated from their letters), so it matches the MP3.
  const build = buildPanel(routine, () => set, { onError, isValid: () => valid, onBuilt: () => plan() });
  player = build.querySelector(".player-holder");

  const section = h("section", { class: "routine-view", lang: routine.lang, "aria-labelledby": "routine-h" },
    h("p", { class: "back", lang: "en" }, h("a", { href: "#/" }, "← All routines")),
    h("h2", { id: "routine-h", tabindex: "-1" }, routine.title),
    h("p", { class: "total" }, `${word(labels, "total_length", "Total length")}: `, length),
    facts(routine, labels),
    h("p", { class: "soft", lang: "en" }, routine.builtin ? `Built-in routine · ${routine.file}` : routine.file),
    h("section", { class: "panel", "aria-labelledby": "tl-h" },
      h("h3", { id: "tl-h", lang: "en" }, "Time line"), timeline, chapters),
    h("section", { class: "panel", "aria-labelledby": "tune-h" },
      h("h3", { id: "tune-h", lang: "en" }, "Tune"), everyHold(form), general, form, changes,
      h("div", { class: "row", lang: "en" }, h("button", { type: "button", onclick: () => go(location.hash) },
        "Undo all changes"))),
    build, keep.panel);
  main.replaceChildren(section);
  draw(routine.timeline);
  return section.querySelector("h2");
}
