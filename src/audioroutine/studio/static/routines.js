// The routines: built-in ones and the user's folder, as cards with title, length, when and equipment.
import { get } from "./api.js";
import { h, mmss } from "./dom.js";

function card(r) {
  return h("li", { class: "card", lang: r.lang },
    h("p", { class: "when" }, r.when || ""),
    h("h3", {}, h("a", { href: `#/routine/${encodeURIComponent(r.id)}` }, r.title)),
    h("dl", { class: "facts", lang: "en" },
      h("dt", {}, "Length"), h("dd", {}, mmss(r.seconds)),
      h("dt", {}, "Exercises"), h("dd", {}, String(r.exercises)),
      h("dt", {}, "Equipment"), h("dd", {}, (r.equipment || []).join(", ") || "none")),
    h("p", { class: "tags", lang: "en" },
      r.builtin ? h("span", { class: "tag" }, "built-in") : h("span", { class: "tag" }, "yours"),
      r.built ? h("span", { class: "tag" }, "MP3 built") : null,
      r.invalid ? h("span", { class: "tag bad" }, "has errors: open it to see them") : null,
      h("span", { class: "tag" }, r.lang)));
}

/** Renders the list of routines into `main`; returns the heading to focus. */
export async function showRoutines(main) {
  const data = await get("/api/routines");
  const mine = data.routines.filter((r) => !r.builtin);
  const builtin = data.routines.filter((r) => r.builtin);
  const group = (title, id, items, empty) => h("section", { "aria-labelledby": id },
    h("h2", { id, class: "group", tabindex: "-1" }, title),
    items.length ? h("ul", { class: "cards" }, items.map(card)) : h("p", { class: "soft" }, empty));
  main.replaceChildren(
    group(`Your routines (${data.folder})`, "mine-h", mine,
      "None yet: write one with “New routine”, or save a tuned built-in routine."),
    group("Built-in routines", "builtin-h", builtin, "None."));
  return main.querySelector("#mine-h");
}
