// The server's messages shown next to the controls they name (aria-invalid, aria-describedby),
// and the ones that name no control in a list of their own.
import { h, uid } from "./dom.js";

/** Removes every message this module put inside `root`. */
export function clearErrors(root) {
  for (const el of root.querySelectorAll("[aria-invalid='true']")) {
    el.removeAttribute("aria-invalid");
    const ids = (el.getAttribute("aria-describedby") || "").split(" ").filter((id) => !id.startsWith("err-"));
    if (ids.length) el.setAttribute("aria-describedby", ids.join(" "));
    else el.removeAttribute("aria-describedby");
  }
  for (const el of root.querySelectorAll(".err")) el.remove();
}

/** The control a field path names (its closest named ancestor path), or null. */
export function controlFor(root, name) {
  if (!name) return null;
  const parts = name.split(".");
  while (parts.length) {
    const key = CSS.escape(parts.join("."));
    const el = root.querySelector(`[data-field="${key}"]`) || root.querySelector(`[data-alias~="${key}"]`);
    if (el) return el;
    parts.pop();
  }
  return null;
}

function message(error) {
  return error.hint ? `${error.message} (${error.hint})` : error.message;
}

/** Shows `errors` inside `root`; those naming no control go to `general` (a container). */
export function showErrors(root, errors, general) {
  clearErrors(root);
  if (general) general.replaceChildren();
  for (const error of errors) {
    const control = controlFor(root, error.field);
    if (!control) {
      if (general) general.append(h("p", { class: "err", role: "alert" }, message(error)));
      continue;
    }
    const note = h("p", { class: "err", id: uid("err") }, message(error));
    control.setAttribute("aria-invalid", "true");
    const ids = (control.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    control.setAttribute("aria-describedby", [...ids, note.id].join(" "));
    const box = control.closest(".field") || control.parentElement;
    box.append(note);
  }
}
