// Small helpers shared by the studio's modules: making elements, lengths as mm:ss, waiting.

/** An element: h("button", {class: "x", onclick: f}, "text", child). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key in el && typeof value !== "string") el[key] = value;
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** mm:ss (h:mm:ss past an hour), rounded half up like audioroutine's own `mmss`. */
export function mmss(seconds) {
  const total = Math.floor(seconds + 0.5);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  const two = (n) => String(n).padStart(2, "0");
  return hours ? `${hours}:${two(minutes)}:${two(secs)}` : `${two(minutes)}:${two(secs)}`;
}

/** f, called once `ms` after the last of a burst of calls. */
export function debounce(f, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => f(...args), ms);
  };
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let serial = 0;
/** A fresh id for aria-describedby and label-for links. */
export function uid(prefix) {
  serial += 1;
  return `${prefix}-${serial}`;
}

/** A word from the routine's labels when the API gave one (a plain text), English otherwise. */
export function word(labels, key, english) {
  const text = labels && labels[key];
  return typeof text === "string" && text ? text : english;
}

/** A labelled control: <div class="field"><label for>…</label>control<p class=err></p></div>. */
export function field(labelText, control, { field: name = null, hint = null } = {}) {
  if (!control.id) control.id = uid("f");
  if (name) control.dataset.field = name;
  const parts = [h("label", { for: control.id }, labelText), control];
  if (hint) {
    const hintEl = h("p", { class: "hint", id: uid("hint") }, hint);
    control.setAttribute("aria-describedby", hintEl.id);
    parts.push(hintEl);
  }
  return h("div", { class: "field" }, parts);
}
