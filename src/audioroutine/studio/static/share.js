// "Share": choose routines, a title and a base URL, then the same folder as `audioroutine share`,
// with a link to download it as a zip.
import { get, post, waitForJob } from "./api.js";
import { field, h, mmss, uid } from "./dom.js";
import { showErrors } from "./errors.js";

/** Renders the share form into `main`; returns the heading to focus. */
export async function showShare(main) {
  const data = await get("/api/routines");
  const boxes = data.routines.map((r) => {
    const box = h("input", { type: "checkbox", value: r.id, id: uid("s") });
    return h("li", { class: "field check" }, box,
      h("label", { for: box.id }, h("span", { lang: r.lang }, r.title), h("span", { class: "soft" }, ` · ${mmss(r.seconds)}`)));
  });
  const title = h("input", { type: "text", autocomplete: "off", value: "Our routines" });
  const base = h("input", { type: "url", inputmode: "url", autocomplete: "off", placeholder: "https://example.org/run-club/" });
  const run = h("button", { type: "submit", class: "primary" }, "Make the share folder");
  const progress = h("progress", { "aria-label": "Share progress" });
  const status = h("p", { class: "status", role: "status" });
  const result = h("div", { class: "share-result" });
  const general = h("div", { class: "general-errors" });
  progress.hidden = true;
  const chosen = h("fieldset", { "data-field": "routines" }, h("legend", {}, "Routines to share"),
    h("ul", { class: "choices" }, boxes));
  const form = h("form", { class: "share", novalidate: true, "aria-labelledby": "share-h" },
    h("h2", { id: "share-h", tabindex: "-1" }, "Share"),
    h("p", { class: "soft" }, "A page, a podcast feed and the MP3s, as ", h("code", {}, "audioroutine share"),
      " makes them; the zip holds every MP3 with its captions and script."),
    general, chosen,
    h("div", { class: "grid" }, field("Title", title, { field: "title" }),
      field("Base URL (where the folder will be online; may stay empty)", base, { field: "base_url" })),
    h("div", { class: "row" }, run, progress), status, result);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const routines = boxes.map((li) => li.querySelector("input")).filter((b) => b.checked).map((b) => b.value);
    run.disabled = true;
    progress.hidden = false;
    progress.removeAttribute("value");
    result.replaceChildren();
    status.textContent = "Building the routines and the page…";
    try {
      const { job } = await post("/api/share", { routines, title: title.value.trim(), base_url: base.value.trim() });
      const done = await waitForJob(job, (state) => {
        if (state.total) {
          progress.max = state.total;
          progress.value = state.done || 0;
        }
      });
      showErrors(form, [], general);
      status.textContent = "Ready.";
      result.replaceChildren(h("p", { class: "row" },
        h("a", { class: "button primary", href: done.result.zip, download: "" }, "Download the zip"),
        done.result.page ? h("a", { class: "button", href: done.result.page, target: "_blank", rel: "noopener" },
          "Open the page") : null),
        ...(done.result.notes || []).map((note) => h("p", { class: "soft" }, note)));
    } catch (error) {
      status.textContent = "Not shared: see the messages above.";
      showErrors(form, error.errors || [{ field: null, message: String(error) }], general);
    } finally {
      run.disabled = false;
      progress.hidden = true;
    }
  });
  main.replaceChildren(form);
  return form.querySelector("h2");
}
