// The tuning form: each exercise's dose, sets and sides, and the routine's settings and voice, as
// labelled controls whose keys are the CLI's `--set KEY=VALUE` keys.
import { h, field, uid } from "./dom.js";

const NAMES = {
  hold: "Hold", work: "Work", reps: "Reps", rep_time: "Time per rep", lower: "Lower", tempo: "Tempo",
  sets: "Sets", sides: "Sides", set_rest: "Rest between sets", window: "Window", breath: "Breath",
  rest: "Rest", switch: "Switch sides", settle: "Settle", pause: "Pause after a cue", countdown: "Countdown",
  callouts: "Callouts", chimes: "Chimes", cues: "Cues", breath_cues: "Breath cues", remind: "Remind",
  callout_min_hold: "Callouts from", time_left: "Time-left callout", lang: "Language", rounds: "Rounds",
};
const HINTS = {
  hold: "like 45s, 1m or 6 breaths", work: "like 1m", breath: "one breath in and out, like 5s",
  rest: "between exercises, like 15s", switch: "like 5s", countdown: "seconds counted aloud; 0 = off",
};
const SIDES = [["right, left", "right then left"], ["left, right", "left then right"], ["right", "right only"],
  ["left", "left only"]];
const CUES = [["full", "full"], ["brief", "brief"], ["chimes", "chimes only"]];

const nameOf = (key) => NAMES[key] || key.replace(/_/g, " ");

function sidesValue(sides) {
  return Array.isArray(sides) ? sides.map((s) => s.toLowerCase()).join(", ") : "";
}

function select(options, value) {
  const el = h("select", {}, options.map(([v, text]) => h("option", { value: v }, text)));
  if (!options.some(([v]) => v === value)) el.append(h("option", { value }, value));
  el.value = value;
  return el;
}

/** A control for one value: a checkbox for true/false, a number box for a count, text otherwise. */
function control(key, value, limit) {
  if (typeof value === "boolean") {
    return h("input", { type: "checkbox", checked: value });
  }
  if (typeof value === "number") {
    const el = h("input", { type: "number", inputmode: "numeric", value: String(value) });
    if (limit && limit.min !== undefined && limit.min !== null) el.min = String(limit.min);
    if (limit && limit.max !== undefined && limit.max !== null) el.max = String(limit.max);
    el.step = Number.isInteger(value) ? "1" : "any";
    return el;
  }
  return h("input", { type: "text", value: value === null || value === undefined ? "" : String(value),
    autocomplete: "off", spellcheck: false });
}

const valueOf = (el) => (el.type === "checkbox" ? String(el.checked) : el.value.trim());

/** Wires a control to the tuning: its `--set` key, its value as the file has it. */
function tuned(el, key, onChange) {
  el.dataset.field = key;
  el.dataset.original = valueOf(el);
  el.addEventListener(el.type === "checkbox" || el.tagName === "SELECT" ? "change" : "input",
    () => onChange(key, valueOf(el), el.dataset.original));
  return el;
}

function checkboxField(text, el) {
  el.id = el.id || uid("f");
  return h("div", { class: "field check" }, el, h("label", { for: el.id }, text));
}

function labelled(key, el) {
  if (el.type === "checkbox") return checkboxField(nameOf(key), el);
  return field(nameOf(key), el, { hint: HINTS[key] || null });
}

function exerciseFieldset(exercise, limits, onChange, lang) {
  const rows = [];
  for (const [key, value] of Object.entries(exercise.dose || {})) {
    rows.push(labelled(key, tuned(control(key, value, limits[key]), `${exercise.id}.${key}`, onChange)));
  }
  rows.push(labelled("sets", tuned(control("sets", exercise.sets ?? 1, limits.sets), `${exercise.id}.sets`, onChange)));
  if (exercise.sides) {
    rows.push(labelled("sides", tuned(select(SIDES, sidesValue(exercise.sides)), `${exercise.id}.sides`, onChange)));
  }
  return h("fieldset", { class: "exercise" },
    h("legend", { lang }, exercise.name), h("div", { class: "grid", lang: "en" }, rows));
}

function settingsFieldset(routine, onChange) {
  const limits = routine.limits || {};
  const rows = [];
  for (const [key, value] of Object.entries(routine.settings || {})) {
    if (key === "lang") continue;
    const el = key === "cues" ? select(CUES, String(value)) : control(key, value, limits[key]);
    rows.push(labelled(key, tuned(el, `settings.${key}`, onChange)));
  }
  const voice = routine.voice || {};
  if (voice.choices && voice.choices.length) {
    const engine = select(voice.choices.map((c) => [c.value, c.label || c.value]), String(voice.engine));
    rows.push(field("Voice", tuned(engine, "voice.engine", onChange)));
  }
  if (voice.speed !== undefined) {
    const speed = h("input", { type: "number", step: "0.05", min: limits.speed?.min ?? "0.5",
      max: limits.speed?.max ?? "2", value: String(voice.speed), inputmode: "decimal" });
    rows.push(field("Speed", tuned(speed, "voice.speed", onChange), { hint: "1 = the voice's own pace" }));
  }
  return h("fieldset", { class: "settings", lang: "en" }, h("legend", {}, "Settings"), h("div", { class: "grid" }, rows));
}

/** The form for `routine` (the API's routine); `onChange(set)` gets every changed key's value. */
export function tuneForm(routine, onChange) {
  const set = {};
  const changed = (key, value, original) => {
    if (value === original) delete set[key];
    else set[key] = value;
    onChange({ ...set });
  };
  const limits = routine.limits || {};
  const form = h("form", { class: "tune", novalidate: true, onsubmit: (e) => e.preventDefault() },
    settingsFieldset(routine, changed),
    routine.exercises.map((ex) => exerciseFieldset(ex, limits, changed, routine.lang)));
  return { form, set };
}
