// "Save": the tuning kept in an overrides file beside the routine or in the routine file itself,
// its diff shown first and confirmed; "Save as": a copy with a new title.
import { post, routinePath } from "./api.js";
import { h, field, uid } from "./dom.js";

/** A unified diff as lines, each marked by its sign (+ added, - removed, struck through), not only by colour. */
function diffView(text) {
  const lines = text.replace(/\n$/, "").split("\n").map((line) => {
    let kind = "same";
    if (line.startsWith("+++") || line.startsWith("---")) kind = "file";
    else if (line.startsWith("@@")) kind = "hunk";
    else if (line.startsWith("+")) kind = "add";
    else if (line.startsWith("-")) kind = "del";
    return h("span", { class: `d-${kind}` }, line, "\n");
  });
  return h("pre", { class: "diff", tabindex: "0", "aria-label": "What will change" }, lines);
}

function radio(name, value, text, checked, disabled) {
  const input = h("input", { type: "radio", name, value, id: uid("r"), checked, disabled });
  return h("div", { class: "field check" }, input, h("label", { for: input.id }, text));
}

/** The save panel for `routine`; `getSet()` gives the tuning, `onSaved(id)` follows a save as. */
export function keepPanel(routine, getSet, { onError, onSavedAs, onSaved }) {
  const name = uid("target");
  const overridesText = routine.overrides_file
    ? `Overrides file (${routine.overrides_file})` : "An overrides file beside the routine";
  const routineText = routine.builtin
    ? "The routine file itself (a built-in routine: use Save as)" : `The routine file itself (${routine.file})`;
  const targets = h("fieldset", { class: "targets" }, h("legend", {}, "Save the tuning into"),
    radio(name, "overrides", overridesText, true, false),
    radio(name, "routine", routineText, false, routine.builtin));
  const target = () => targets.querySelector("input:checked").value;
  const show = h("button", { type: "button" }, "Show the changes");
  const confirm = h("button", { type: "button", class: "primary", disabled: true }, "Save");
  const diffBox = h("div", { class: "diff-box" });
  const status = h("p", { class: "status", role: "status" });
  let shown = null;

  const forget = () => { shown = null; confirm.disabled = true; diffBox.replaceChildren(); };
  targets.addEventListener("change", forget);
  show.addEventListener("click", async () => {
    const body = { set: getSet(), target: target() };
    try {
      const answer = await post(`${routinePath(routine.id)}/diff`, body);
      shown = body;
      const intro = answer.new_file ? `A new file: ${answer.path}` : `Changes to ${answer.path}`;
      diffBox.replaceChildren(h("p", {}, intro),
        answer.diff ? diffView(answer.diff) : h("p", {}, "Nothing changes."));
      confirm.disabled = !answer.diff;
      status.textContent = "";
    } catch (error) { onError(error); }
  });
  confirm.addEventListener("click", async () => {
    if (!shown) return;
    try {
      const answer = await post(`${routinePath(routine.id)}/save`, shown);
      status.textContent = `Saved: ${answer.saved}`;
      forget();
      if (onSaved) onSaved(answer.saved);
    } catch (error) { onError(error); }
  });

  const title = h("input", { type: "text", autocomplete: "off", value: `${routine.title} (tuned)` });
  const saveAs = h("button", { type: "button" }, "Save as");
  saveAs.addEventListener("click", async () => {
    try {
      const answer = await post(`${routinePath(routine.id)}/save-as`, { set: getSet(), title: title.value.trim() });
      status.textContent = `Saved as a new routine: ${answer.id}`;
      onSavedAs(answer.id);
    } catch (error) { onError(error); }
  });
  return {
    panel: h("section", { class: "panel keep", "aria-labelledby": "keep-h", lang: "en" },
      h("h3", { id: "keep-h" }, "Keep it"), targets, h("div", { class: "row" }, show, confirm), diffBox, status,
      h("h4", {}, "Save as a new routine"), field("New title", title, { field: "title" }),
      h("div", { class: "row" }, saveAs)),
    forget,
  };
}
