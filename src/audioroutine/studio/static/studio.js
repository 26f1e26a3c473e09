// The studio's page: which view the address shows (#/, #/routine/ID, #/new, #/share), focus
// moved to the view's heading, and a message instead of a blank page when the server says no.
import { h } from "./dom.js";
import { showDraft } from "./draft.js";
import { showRoutine } from "./routine.js";
import { showRoutines } from "./routines.js";
import { showShare } from "./share.js";

const main = document.getElementById("main");
let first = true;

function go(hash) {
  if (location.hash === hash) route();
  else location.hash = hash;
}

function markNav(view) {
  for (const link of document.querySelectorAll("nav a")) {
    if (link.dataset.view === view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

async function route() {
  const hash = location.hash || "#/";
  const match = hash.match(/^#\/routine\/(.+)$/);
  const view = match ? "routine" : hash === "#/new" ? "new" : hash === "#/share" ? "share" : "routines";
  markNav(view);
  main.setAttribute("aria-busy", "true");
  try {
    let heading;
    if (view === "routine") heading = await showRoutine(main, decodeURIComponent(match[1]), go);
    else if (view === "new") heading = showDraft(main, go);
    else if (view === "share") heading = await showShare(main);
    else heading = await showRoutines(main);
    document.title = `${heading ? heading.textContent : "Routines"} · audioroutine studio`;
    if (heading && !first) heading.focus();
  } catch (error) {
    const messages = error.errors ? error.errors.map((e) => e.message) : [String(error)];
    main.replaceChildren(h("h2", { tabindex: "-1" }, error.status === 404 ? "Not found" : "This cannot be shown"),
      ...messages.map((m) => h("p", { class: "err", role: "alert" }, m)),
      h("p", {}, h("a", { href: "#/" }, "All routines")));
    main.querySelector("h2").focus();
  } finally {
    main.removeAttribute("aria-busy");
    main.dataset.shown = hash;  // which view is on the page (for tests and styles)
    first = false;
  }
}

window.addEventListener("hashchange", route);
route();
