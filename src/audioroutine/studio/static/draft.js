// "New routine": a form for title, when, source, equipment and exercises (add, remove, move),
// checked as you type by the server in validate's words, with the YAML it would write.
import { post } from "./api.js";
import { debounce, field, h } from "./dom.js";
import { controlFor, showErrors } from "./errors.js";

const DOSES = [["hold", "Hold (time)", "30s"], ["breaths", "Hold (breaths)", "6"], ["work", "Work (time)", "1m"],
  ["reps", "Reps", "10"]];
const SIDES = [["none", "no sides"], ["both", "right then left"], ["right", "right only"], ["left", "left only"]];
const WHEN = [["any time", "any time"], ["pre-run", "pre-run"], ["post-run", "post-run"]];
const LANGS = [["en", "English"], ["es", "Español"], ["de", "Deutsch"], ["fr", "Français"]];

const blank = () => ({ name: "", instructions: "", kind: "hold", value: "30s", sides: "none", sets: "1", seen: {} });

function choice(options, value) {
  const el = h("select", {}, options.map(([v, text]) => h("option", { value: v }, text)));
  el.value = value;
  return el;
}

/** The form's state as the API's ROUTINE_FORM. */
function routineForm(state) {
  const dose = (ex) => {
    const value = ex.value.trim();
    if (ex.kind === "breaths") return { hold: /^\d+$/.test(value) ? `${value} breaths` : value };
    return { [ex.kind]: value };
  };
  return {
    title: state.title.trim(), when: state.when, lang: state.lang,
    source: { publication: state.publication.trim(), author: state.author.trim(), url: state.url.trim() },
    equipment: state.equipment.split(",").map((s) => s.trim()).filter(Boolean),
    exercises: state.exercises.map((ex) => ({
      name: ex.name.trim(), instructions: ex.instructions.split("\n").map((s) => s.trim()).filter(Boolean),
      dose: dose(ex), sides: ex.sides, sets: ex.sets.trim(),
    })),
  };
}

/** Renders the new-routine form into `main`; `go(hash)` opens the routine once made. */
export function showDraft(main, go) {
  const state = { title: "", when: "any time", lang: "en", publication: "", author: "", url: "", equipment: "",
    exercises: [blank()] };
  const general = h("div", { class: "general-errors" });
  const yaml = h("pre", { class: "yaml", tabindex: "0", "aria-label": "The routine file it writes" });
  const status = h("p", { class: "status", role: "status" });
  const list = h("ol", { class: "draft-exercises" });
  let form = null;
  let asked = 0;
  let submitted = false;
  // Messages for what the user has written (or all of them once Create was pressed), not for
  // the fields of a fresh form.
  const shown = (errors) => errors.filter((e) => submitted
    || (e.field && controlFor(form, e.field)?.dataset.touched));

  const check = debounce(async () => {
    const mine = ++asked;
    try {
      const answer = await post("/api/draft", { routine: routineForm(state) });
      if (mine !== asked) return;
      showErrors(form, shown(answer.errors || []), general);
      yaml.textContent = answer.yaml || "";
    } catch (error) {
      if (mine === asked) showErrors(form, error.errors || [], general);
    }
  }, 200);
  const changed = () => {
    asked += 1;  // an answer already on its way is about the form as it was
    check();
  };

  // `seen` (an exercise's own record) keeps "written in" across a redraw of the list.
  const bind = (el, get, put, seen = null, key = null) => {
    el.value = get();
    if (seen && seen[key]) el.dataset.touched = "1";
    el.addEventListener(el.tagName === "SELECT" ? "change" : "input", () => {
      el.dataset.touched = "1";
      if (seen) seen[key] = true;
      put(el.value);
      changed();
    });
    return el;
  };
  const text = (key, attrs = {}) => bind(h("input", { type: "text", autocomplete: "off", ...attrs }),
    () => state[key], (v) => { state[key] = v; });

  const drawExercises = (focusKey = null) => {
    list.replaceChildren(...state.exercises.map((ex, i) => exerciseItem(ex, i)));
    if (focusKey) {
      const el = list.querySelector(`[data-key="${focusKey}"]`);
      if (el && !el.disabled) el.focus();
      else list.querySelector(`[data-key^="name-"]`)?.focus();
    }
    changed();
  };
  const move = (i, by) => {
    const [ex] = state.exercises.splice(i, 1);
    state.exercises.splice(i + by, 0, ex);
    drawExercises(`${by < 0 ? "up" : "down"}-${i + by}`);
  };

  function exerciseItem(ex, i) {
    const path = `exercises.${i}`;
    const name = bind(h("input", { type: "text", autocomplete: "off", "data-key": `name-${i}` }),
      () => ex.name, (v) => { ex.name = v; }, ex.seen, "name");
    const steps = bind(h("textarea", { rows: "3" }), () => ex.instructions, (v) => { ex.instructions = v; }, ex.seen, "instructions");
    const kind = bind(choice(DOSES.map(([v, t]) => [v, t]), ex.kind), () => ex.kind, (v) => { ex.kind = v; }, ex.seen, "kind");
    const value = bind(h("input", { type: "text", autocomplete: "off",
      "data-alias": ["hold", "reps", "work", "breaths"].map((k) => `${path}.${k}`).join(" ") }),
    () => ex.value, (v) => { ex.value = v; }, ex.seen, "value");
    const sides = bind(choice(SIDES, ex.sides), () => ex.sides, (v) => { ex.sides = v; }, ex.seen, "sides");
    const sets = bind(h("input", { type: "number", min: "1", max: "20", inputmode: "numeric" }),
      () => ex.sets, (v) => { ex.sets = v; }, ex.seen, "sets");
    const last = state.exercises.length - 1;
    const n = i + 1;
    return h("li", {}, h("fieldset", { class: "exercise", "data-field": path },
      h("legend", {}, `Exercise ${n}`),
      field("Name", name, { field: `${path}.name` }),
      field("Instructions (one per line)", steps, { field: `${path}.instructions` }),
      h("div", { class: "grid" }, field("Dose", kind, { field: `${path}.dose_kind` }),
        field("Amount", value, { field: `${path}.dose`, hint: "like 30s, 1m, 6 (breaths) or 10 (reps)" }),
        field("Sides", sides, { field: `${path}.sides` }), field("Sets", sets, { field: `${path}.sets` })),
      h("div", { class: "row" },
        h("button", { type: "button", "data-key": `up-${i}`, disabled: i === 0, "aria-label": `Move exercise ${n} up`,
          onclick: () => move(i, -1) }, "Move up"),
        h("button", { type: "button", "data-key": `down-${i}`, disabled: i === last,
          "aria-label": `Move exercise ${n} down`, onclick: () => move(i, 1) }, "Move down"),
        h("button", { type: "button", "data-key": `remove-${i}`, disabled: last === 0,
          "aria-label": `Remove exercise ${n}`, onclick: () => {
            state.exercises.splice(i, 1);
            drawExercises(`name-${Math.min(i, state.exercises.length - 1)}`);
          } }, "Remove"))));
  }

  const create = h("button", { type: "submit", class: "primary" }, "Create");
  form = h("form", { class: "draft", novalidate: true, "aria-labelledby": "draft-h" },
    h("h2", { id: "draft-h", tabindex: "-1" }, "New routine"),
    general,
    h("div", { class: "grid wide" },
      field("Title", text("title"), { field: "title" }),
      field("When", bind(choice(WHEN, state.when), () => state.when, (v) => { state.when = v; }), { field: "when" }),
      field("Language", bind(choice(LANGS, state.lang), () => state.lang, (v) => { state.lang = v; }),
        { field: "lang" }),
      field("Equipment (commas between)", text("equipment"), { field: "equipment" })),
    h("fieldset", {}, h("legend", {}, "Source"), h("div", { class: "grid" },
      field("Publication", text("publication"), { field: "source.publication" }),
      field("Author", text("author"), { field: "source.author" }),
      field("Link", text("url", { type: "url", inputmode: "url" }), { field: "source.url" }))),
    h("h3", {}, "Exercises"), list,
    h("div", { class: "row" }, h("button", { type: "button", onclick: () => {
      state.exercises.push(blank());
      drawExercises(`name-${state.exercises.length - 1}`);
    } }, "Add an exercise")),
    h("h3", {}, "The routine file"), yaml,
    h("div", { class: "row" }, create), status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    submitted = true;
    asked += 1;  // an answer to an earlier check must not replace these messages
    try {
      // Checked first (answered 200 with its errors), so a form with a mistake is not sent to be refused.
      const checked = await post("/api/draft", { routine: routineForm(state) });
      if (checked.errors && checked.errors.length) throw { errors: checked.errors };
      const answer = await post("/api/routines", { routine: routineForm(state) });
      go(`#/routine/${encodeURIComponent(answer.id)}`);
    } catch (error) {
      showErrors(form, error.errors || [], general);
      status.textContent = "Not created yet: see the messages above.";
      form.querySelector("[aria-invalid='true']")?.focus();
    }
  });
  main.replaceChildren(form);
  drawExercises();
  return form.querySelector("h2");
}
