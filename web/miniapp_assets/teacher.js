// The teacher panel: students with their colours and link state, and each student's link card
// (copy, share, QR, regenerate, revoke; each change confirmed).

import { call, dataUrl, file } from "./api.js";
import { dialog, fill, h, say, still } from "./dom.js";
import { full, t } from "./i18n.js";
import { share } from "./tg.js";

export function linkStateLabel(state) {
  return {
    active: t("Active"), expired: t("Expired"), revoked: t("Revoked by you"), used_up: t("Used up"),
  }[state] || state;
}

function when(iso, zone) {
  return iso ? full(iso, zone) : t("Never");
}

/** A colour swatch with its name: colour is never the only cue. */
export function swatch(colour, name) {
  return h("span", { class: "swatch-wrap" },
    h("span", { class: "swatch", "aria-hidden": "true", vars: { "--swatch": colour || "#888" } }),
    name ? h("span", { class: "swatch-name" }, name) : null);
}

/** The students screen. */
export async function showStudents(main) {
  const listed = await call("GET", "/api/teacher/students", {
    fallback: t("Could not load your students. Please try again."),
  });
  if (!still("/teacher")) return;
  const rows = listed.students.map((s) => h("li", { class: "student" },
    h("div", { class: "student-head" }, swatch(s.colour, s.colour_name), h("strong", {}, s.name)),
    h("dl", { class: "facts" },
      h("dt", {}, t("Link")), h("dd", { class: `link-state state-${s.link ? s.link.state : "none"}` },
        s.link ? linkStateLabel(s.link.state) : t("No link")),
      h("dt", {}, t("Openings")), h("dd", {}, String(s.openings)),
      h("dt", {}, t("Last opened")), h("dd", {}, when(s.last_opened_at, listed.zone)),
      h("dt", {}, t("Upcoming lessons")), h("dd", {}, String(s.upcoming))),
    h("a", { class: "btn", href: `#/teacher/students/${s.id}`, "aria-label": t("Link card of {name}", { name: s.name }) },
      t("Link card"))));
  fill(main, h("h2", {}, t("Students")),
    rows.length ? h("ul", { class: "students" }, rows) : h("p", { class: "muted" }, t("No students yet.")));
}

async function copy(text, input) {
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Some webviews refuse the clipboard API: select the text and use the older command.
    input.select();
    document.execCommand("copy");
  }
  say(t("Link copied."));
}

async function showQr(path, name) {
  try {
    const image = await dataUrl(await file(`${path}/qr.png`, t("Could not make the QR code.")));
    await dialog({
      title: t("QR code for {name}", { name }),
      body: [h("img", { src: image, class: "qr", alt: t("QR code of the link of {name}", { name }) })],
      actions: [{ text: t("Close"), value: null }],
    });
  } catch (error) {
    say(error.message, { error: true });
  }
}

async function change(path, name, regenerate, rerender) {
  const sure = await dialog({
    title: regenerate ? t("Make a new link for {name}?", { name }) : t("Revoke the link of {name}?", { name }),
    body: [h("p", {}, regenerate
      ? t("The old link stops working at once, and the student has to open the new one.")
      : t("The link stops working at once. You can make a new one later."))],
    actions: [
      { text: t("Back"), value: false },
      { text: regenerate ? t("Make a new link") : t("Revoke"), value: true, kind: "danger" },
    ],
  });
  if (!sure) return;
  try {
    await call(regenerate ? "POST" : "DELETE", path, {
      body: regenerate ? {} : undefined, fallback: t("Could not change the link. Please try again."),
    });
    say(regenerate ? t("New link made. The old one no longer works.") : t("Link revoked."));
  } catch (error) {
    say(error.message, { error: true });
  }
  await rerender();
  // The pressed button was drawn again: put the focus back on its successor.
  const again = document.querySelector(`[data-action="${regenerate ? "regenerate" : "revoke"}"]`);
  if (again && !again.disabled) again.focus();
}

const NO_LINK = { state: "none", bound: false, uses: 0, max_uses: null, url: null, app_url: null };

/** One student's link card. */
export async function showLinkCard(main, studentId) {
  const path = `/api/teacher/students/${encodeURIComponent(studentId)}/share-link`;
  const rerender = async () => {
    const [listed, link] = await Promise.all([
      call("GET", "/api/teacher/students", { fallback: t("Could not load your students. Please try again.") }),
      // A student without a link (404) gets a card that can make one.
      call("GET", path, { fallback: t("Could not load the link. Please try again.") })
        .catch((error) => { if (error.status === 404) return NO_LINK; throw error; }),
    ]);
    if (!still(`/teacher/students/${studentId}`)) return;
    const student = listed.students.find((s) => String(s.id) === String(studentId)) || { name: "" };
    const zone = listed.zone;
    const url = link.app_url || link.url;
    const box = h("input", { type: "text", readonly: true, value: url, id: "link-url", class: "link-url" });
    const usable = link.state === "active";
    fill(main,
      h("a", { href: "#/teacher", class: "back" }, `‹ ${t("Students")}`),
      h("h2", {}, swatch(student.colour, student.colour_name), " ", student.name),
      h("section", { class: "card link-card", "aria-label": t("Link card") },
        h("label", { for: "link-url" }, t("Link")), box,
        h("dl", { class: "facts" },
          h("dt", {}, t("State")), h("dd", { class: `link-state state-${link.state}` },
            link === NO_LINK ? t("No link") : linkStateLabel(link.state)),
          h("dt", {}, t("Opened by")), h("dd", {}, link.bound ? t("A Telegram account (bound)") : t("Nobody yet")),
          h("dt", {}, t("Uses")), h("dd", {}, link.max_uses ? `${link.uses} / ${link.max_uses}` : String(link.uses)),
          h("dt", {}, t("Expires")), h("dd", {}, link.expires_at ? full(link.expires_at, zone) : t("Never")),
          h("dt", {}, t("Last opened")), h("dd", {}, when(link.last_opened_at, zone)),
          h("dt", {}, t("Opens in")), h("dd", {}, link.browser_url
            ? t("Telegram and a plain browser") : t("Telegram only"))),
        link.browser_url ? h("p", { class: "muted" }, t("Browser address: {url}", { url: link.browser_url })) : null,
        h("div", { class: "actions" },
          h("button", { type: "button", class: "btn primary", disabled: !usable, onclick: () => copy(url, box) }, t("Copy link")),
          h("button", { type: "button", class: "btn", disabled: !usable, onclick: () => share(url, t("Your booking link")) }, t("Share")),
          h("button", { type: "button", class: "btn", disabled: !usable, onclick: () => showQr(path, student.name) }, t("QR code")),
          h("button", { type: "button", class: "btn", dataset: { action: "regenerate" }, onclick: () => change(path, student.name, true, rerender) }, t("Regenerate")),
          h("button", { type: "button", class: "btn danger", dataset: { action: "revoke" }, disabled: link.state === "revoked" || link === NO_LINK, onclick: () => change(path, student.name, false, rerender) }, t("Revoke")))));
  };
  await rerender();
}
