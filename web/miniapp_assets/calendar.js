// The portal's calendar grids: a week (seven day columns) and a month (a day picker), built
// from the API's slots. Free, booked and own slots differ by colour AND icon AND label.

import { h } from "./dom.js";
import { addDays, dateIn, dateLabel, monthTitle, t, time, weekday, weekdayNames } from "./i18n.js";

const ICONS = { available: "○", booked: "✕", mine: "★" };

function stateLabel(state) {
  return { available: t("Free"), booked: t("Booked"), mine: t("Yours") }[state];
}

/** The legend: what each colour, icon and label means. */
export function legend() {
  return h("ul", { class: "legend", "aria-label": t("Legend") },
    ["available", "booked", "mine"].map((state) =>
      h("li", { class: `chip state-${state}` },
        h("span", { class: "icon", "aria-hidden": "true" }, ICONS[state]), stateLabel(state))));
}

/** One slot as a button; booked slots are shown but cannot be pressed. */
export function slotButton(slot, zone, { onPick, moving = false }) {
  const state = slot.state;
  const label = `${time(slot.starts_at, zone)}–${time(slot.ends_at, zone)}`;
  const seats = slot.seats > 1 && state === "available"
    ? t("{left} of {seats} seats left", { left: slot.seats_left, seats: slot.seats }) : "";
  const usable = state === "available" || (state === "mine" && !moving);
  return h("button", {
    type: "button",
    class: `slot state-${state}`,
    disabled: !usable,
    "aria-label": `${label}, ${slot.subject}, ${stateLabel(state)}${seats ? `, ${seats}` : ""}`,
    onclick: () => onPick(slot),
  },
  h("span", { class: "icon", "aria-hidden": "true" }, ICONS[state]),
  h("span", { class: "slot-time" }, label),
  h("span", { class: "slot-subject" }, slot.subject),
  h("span", { class: "slot-state" }, seats || stateLabel(state)));
}

/** Slots grouped by their date in the zone. */
export function byDay(slots, zone) {
  const days = new Map();
  for (const slot of slots) {
    const key = dateIn(slot.starts_at, zone);
    if (!days.has(key)) days.set(key, []);
    days.get(key).push(slot);
  }
  return days;
}

/** Seven (or `count`) day columns from `from`, each with its slots. */
export function weekGrid(from, count, slots, zone, pick) {
  const days = byDay(slots, zone);
  const columns = [];
  for (let i = 0; i < count; i += 1) {
    const date = addDays(from, i);
    const here = days.get(date) || [];
    columns.push(h("section", { class: "day", "aria-label": dateLabel(date, true) },
      h("h3", { class: "day-title" }, dateLabel(date)),
      here.length
        ? h("div", { class: "slots" }, here.map((slot) => slotButton(slot, zone, pick)))
        : h("p", { class: "muted" }, t("No times"))));
  }
  return h("div", { class: "week-grid" }, columns);
}

/** A month as a grid of day buttons (Monday first) with each day's free times counted. */
export function monthGrid(month, slots, zone, { selected, today, onDay }) {
  const days = byDay(slots, zone);
  const first = `${month.slice(0, 7)}-01`;
  const cells = weekdayNames().map((name) => h("span", { class: "weekday", "aria-hidden": "true" }, name));
  for (let i = 0; i < weekday(first); i += 1) cells.push(h("span", { class: "blank" }));
  for (let date = first; date.slice(0, 7) === first.slice(0, 7); date = addDays(date, 1)) {
    const here = days.get(date) || [];
    const free = here.filter((s) => s.state === "available").length;
    const mine = here.some((s) => s.state === "mine");
    const said = [dateLabel(date, true)];
    said.push(free ? t("{count} free", { count: free }) : t("No free times"));
    if (mine) said.push(t("Your lesson"));
    cells.push(h("button", {
      type: "button",
      class: `month-day${free ? " has-free" : ""}${mine ? " has-mine" : ""}${date === today ? " today" : ""}`,
      "aria-pressed": String(date === selected),
      "aria-label": said.join(", "),
      disabled: date < today,
      onclick: () => onDay(date),
    },
    h("span", { class: "month-number" }, String(Number(date.slice(8)))),
    h("span", { class: "month-marks", "aria-hidden": "true" },
      mine ? ICONS.mine : "", free ? `${ICONS.available}${free}` : "")));
  }
  return h("div", { class: "month-grid", role: "group", "aria-label": monthTitle(first) }, cells);
}
