// "Build": the MP3 made on the server with a progress bar for the phrases spoken, then a player
// with chapter buttons that seek and the instruction being spoken shown as it plays.
import { post, routinePath, waitForJob } from "./api.js";
import { h, mmss, word } from "./dom.js";

function lastStarted(items, t) {
  let found = -1;
  for (let i = 0; i < items.length; i += 1) {
    if (items[i].start <= t + 0.05) found = i;
    else break;
  }
  return found;
}

function seek(audio, t) {
  audio.currentTime = t;
}

/** The player for a built routine: audio, chapter buttons, the current instruction. */
export function playerFor(result, { lang, labels }) {
  const audio = h("audio", { controls: true, preload: "metadata", src: result.audio, class: "player" });
  const speech = (result.cues || []).filter((c) => c.kind === "speech" && c.text)
    .sort((a, b) => a.start - b.start);
  const chapters = result.chapters || [];
  const now = h("p", { class: "now", "aria-live": "polite", lang,
    "data-idle": word(labels, "press_play", "Press play; each instruction shows here as it is spoken.") });
  const buttons = chapters.map((c) => h("button", {
    type: "button", "data-start": c.start, onclick: () => seek(audio, c.start),
  }, h("span", { class: "time" }, mmss(c.start)), h("span", { lang }, c.title)));
  const show = () => {
    const t = audio.currentTime;
    const i = lastStarted(speech, t);
    const text = i >= 0 ? speech[i].text : "";
    if (now.textContent !== text) now.textContent = text;
    const k = lastStarted(chapters, t);
    buttons.forEach((b, j) => b.setAttribute("aria-current", String(j === k && t > 0)));
  };
  audio.addEventListener("timeupdate", show);
  audio.addEventListener("seeked", show);
  return h("div", { class: "heard", "data-seconds": result.seconds },
    audio, now,
    h("h4", {}, word(labels, "exercise_list", "Chapters")),
    h("ul", { class: "chapters" }, buttons.map((b) => h("li", {}, b))),
    h("p", { class: "soft" }, h("a", { href: result.audio, download: "" }, "Download the MP3"),
      ` · ${mmss(result.seconds)}`));
}

/** The build panel: a Build button, its progress, then the player. `getSet()` gives the tuning. */
export function buildPanel(routine, getSet, { onError, isValid, onBuilt }) {
  const button = h("button", { type: "button", class: "primary" }, "Build");
  const progress = h("progress", { max: "1", value: "0", "aria-label": "Phrases spoken" });
  const status = h("p", { class: "status", role: "status" });
  const holder = h("div", { class: "player-holder" });
  const panel = h("section", { class: "panel build", "aria-labelledby": "build-h", lang: "en" },
    h("h3", { id: "build-h" }, "Hear it"), h("div", { class: "row" }, button, progress), status, holder);
  progress.hidden = true;

  button.addEventListener("click", async () => {
    if (isValid && !isValid()) {
      status.textContent = "Fix the values marked above first.";
      return;
    }
    button.disabled = true;
    progress.hidden = false;
    progress.removeAttribute("value");
    status.textContent = "Waiting to build…";
    try {
      const { job } = await post(`${routinePath(routine.id)}/build`, { set: getSet() });
      const done = await waitForJob(job, (state) => {
        if (state.total) {
          progress.max = state.total;
          progress.value = state.done || 0;
        }
        status.textContent = state.state === "speaking"
          ? `Speaking ${state.done || 0} of ${state.total || "?"} phrases…`
          : state.state === "writing" ? "Writing the MP3…" : state.state === "waiting" ? "Waiting…" : "";
      });
      progress.max = 1;
      progress.value = 1;
      status.textContent = `Built: ${mmss(done.result.seconds)}.`;
      holder.replaceChildren(playerFor(done.result, { lang: routine.lang, labels: routine.labels }));
      if (onBuilt) onBuilt(done.result);
    } catch (error) {
      const said = (error.errors || []).filter((e) => !e.field).map((e) => e.message).join(" ");
      status.textContent = `The build did not finish. ${said || "See the values marked above."}`;
      onError(error);
    } finally {
      button.disabled = false;
      progress.hidden = true;
    }
  });
  return panel;
}
