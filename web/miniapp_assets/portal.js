// The student portal: browse the teacher's times (week or month), filter, book with a
// confirmation sheet that states the rules, and move a lesson.

import { call } from "./api.js";
import { legend, monthGrid, weekGrid, byDay, slotButton } from "./calendar.js";
import { dialog, fill, h, say, still } from "./dom.js";
import { addDays, dateLabel, full, monthTitle, t } from "./i18n.js";

const state = {
  token: "", info: null, view: "week", from: null, today: null, selected: null,
  part: "", subject: "", slots: [], moving: null,
};

/** Open a link's portal: who, whose, which rules. */
export async function openPortal(token) {
  state.token = token;
  state.info = await call("GET", `/api/booking/${encodeURIComponent(token)}`, {
    fallback: t("Could not open the booking page. Please try again."),
  });
  return state.info;
}

export function base() {
  return `/api/booking/${encodeURIComponent(state.token)}`;
}

export function info() {
  return state.info;
}

/** Start moving a lesson: the next free time picked replaces it. */
export function startMove(booking) {
  state.moving = booking;
}

function period() {
  if (state.view === "week") return { from: state.from, days: 7 };
  const first = `${state.from.slice(0, 7)}-01`;
  let days = 28;
  while (addDays(first, days).slice(0, 7) === first.slice(0, 7)) days += 1;
  return { from: first, days };
}

async function load() {
  const query = new URLSearchParams();
  const wanted = state.from ? period() : { days: 7 };
  if (wanted.from) query.set("from", wanted.from);
  query.set("days", String(wanted.days));
  if (state.part) query.set("part", state.part);
  if (state.subject) query.set("subject", state.subject);
  const page = await call("GET", `${base()}/calendar?${query}`, {
    fallback: t("Could not load the calendar. Please try again."),
  });
  if (!state.today) {
    state.today = page.from; // the server's today in the student's zone, not the device's
    state.from = page.from;
    state.selected = page.from;
  }
  state.slots = page.slots;
  state.zone = page.zone;
}

function policyLines(policy) {
  const lines = [];
  if (policy.cancel_window_minutes > 0) {
    const hours = Math.round(policy.cancel_window_minutes / 60);
    lines.push(hours >= 1
      ? t("You can cancel or move it up to {hours} h before it starts.", { hours })
      : t("You can cancel or move it up to {minutes} min before it starts.", { minutes: policy.cancel_window_minutes }));
  } else {
    lines.push(t("You can cancel or move it until it starts."));
  }
  if (policy.undo_minutes > 0) {
    lines.push(t("Booked by mistake? You can undo it within {minutes} min.", { minutes: policy.undo_minutes }));
  }
  return lines.map((line) => h("p", { class: "policy" }, line));
}

function repeatChoice(policy) {
  if (!policy.series_enabled) return { element: null, value: () => null };
  const weeks = policy.series_weeks || [4, 8, 12].filter((w) => w <= policy.series_max_weeks);
  const options = [[null, t("This lesson only")],
    ...weeks.map((w) => [w, t("Every week, {weeks} weeks", { weeks: w })]),
    ["ongoing", t("Every week, until I stop it")]];
  const inputs = options.map(([value], i) => h("input", {
    type: "radio", name: "weeks", id: `weeks-${i}`, value: String(value), checked: i === 0,
  }));
  const element = h("fieldset", { class: "repeat" }, h("legend", {}, t("Repeat")),
    options.map(([, label], i) => h("label", { class: "radio", for: `weeks-${i}` }, inputs[i], label)));
  const value = () => {
    const i = inputs.findIndex((input) => input.checked);
    return options[Math.max(i, 0)][0];
  };
  return { element, value };
}

// The student's note to the teacher, optional; its length rule is the server's (a refusal says it).
function noteField() {
  const input = h("textarea", { id: "booking-note", rows: 3 });
  const element = h("p", { class: "note" },
    h("label", { for: "booking-note" }, t("Note for your teacher (optional)")), input);
  return { element, value: () => input.value };
}

async function confirmBooking(slot, rerender) {
  const policy = state.info.policy;
  const repeat = repeatChoice(policy);
  const moving = state.moving;
  const note = moving ? null : noteField();  // a moved lesson keeps the notes it has
  const chosen = await dialog({
    title: moving ? t("Move your lesson?") : t("Book this lesson?"),
    body: [
      h("p", { class: "sheet-when" }, full(slot.starts_at, state.zone)),
      h("p", {}, `${slot.subject} · ${state.info.teacher.name}`),
      moving ? h("p", { class: "muted" }, t("Instead of {when}", { when: full(moving.starts_at, state.zone) })) : null,
      policyLines(policy),
      moving ? null : repeat.element,
      note ? note.element : null,
    ],
    actions: [
      { text: t("Back"), value: null },
      { text: moving ? t("Move here") : t("Confirm booking"), value: () => ({ weeks: repeat.value(), note: note ? note.value() : "" }), kind: "primary" },
    ],
  });
  if (!chosen) return;
  try {
    if (moving) {
      await call("POST", `${base()}/reschedule/${moving.id}`, {
        body: { slot_id: slot.id }, fallback: t("Could not move the lesson. Please try again."),
      });
      state.moving = null;
      say(t("Moved to {when}.", { when: full(slot.starts_at, state.zone) }));
    } else {
      const made = await call("POST", `${base()}/book`, {
        body: { slot_id: slot.id, weeks: chosen.weeks, note: chosen.note }, fallback: t("Could not book. Please try again."),
      });
      const skipped = made.skipped && made.skipped.length
        ? ` ${t("Some weeks were taken: {count}.", { count: made.skipped.length })}` : "";
      say(`${t("Booked: {when}.", { when: full(made.booking.starts_at, made.zone) })}${skipped}`);
    }
  } catch (error) {
    say(error.message, { error: true });
  }
  await rerender(true);
}

function pickSlot(rerender) {
  return (slot) => {
    if (slot.state === "mine") {
      window.location.hash = "#/portal/bookings";
      return;
    }
    confirmBooking(slot, rerender);
  };
}

function toolbar(rerender) {
  const step = async (direction) => {
    state.from = state.view === "week" ? addDays(state.from, 7 * direction)
      : addDays(`${state.from.slice(0, 7)}-15`, 30 * direction).slice(0, 8) + "01";
    if (state.from < state.today) state.from = state.today;
    await rerender(true);
  };
  const viewButton = (view, text) => h("button", {
    type: "button", class: "toggle", "aria-pressed": String(state.view === view),
    onclick: async () => { state.view = view; state.from = state.selected || state.today; await rerender(true); },
  }, text);
  const title = state.view === "week"
    ? `${dateLabel(state.from)} – ${dateLabel(addDays(state.from, 6))}` : monthTitle(state.from);
  const prevLabel = state.view === "week" ? t("Previous week") : t("Previous month");
  const nextLabel = state.view === "week" ? t("Next week") : t("Next month");
  const atStart = state.view === "week" ? state.from <= state.today : state.from.slice(0, 7) <= state.today.slice(0, 7);
  return h("div", { class: "toolbar" },
    h("div", { class: "segmented", role: "group", "aria-label": t("View") },
      viewButton("week", t("Week")), viewButton("month", t("Month"))),
    h("div", { class: "period" },
      h("button", { type: "button", class: "icon-btn", "aria-label": prevLabel, disabled: atStart, onclick: () => step(-1) }, "‹"),
      h("h2", { class: "period-title", "aria-live": "polite" }, title),
      h("button", { type: "button", class: "icon-btn", "aria-label": nextLabel, onclick: () => step(1) }, "›")));
}

function filters(rerender) {
  const date = h("input", { type: "date", id: "f-date", value: state.selected || "", min: state.today });
  date.addEventListener("change", async () => {
    if (!date.value) return;
    state.selected = date.value < state.today ? state.today : date.value;
    state.from = state.selected;
    await rerender(true);
  });
  const select = (id, current, options, onChange) => {
    const el = h("select", { id }, options.map(([value, label]) =>
      h("option", { value, selected: value === current }, label)));
    el.addEventListener("change", () => onChange(el.value));
    return el;
  };
  const part = select("f-part", state.part, [["", t("Any time")], ["morning", t("Morning")],
    ["afternoon", t("Afternoon")], ["evening", t("Evening")]], async (v) => { state.part = v; await rerender(true); });
  const subjects = state.info.subjects || [];
  const subject = select("f-subject", state.subject, [["", t("All subjects")], ...subjects.map((s) => [s, s])],
    async (v) => { state.subject = v; await rerender(true); });
  return h("div", { class: "filters" },
    h("label", { for: "f-date" }, t("Date"), date),
    h("label", { for: "f-part" }, t("Time of day"), part),
    subjects.length > 1 ? h("label", { for: "f-subject" }, t("Subject"), subject) : null);
}

/** The calendar screen. */
export async function showCalendar(main) {
  const rerender = async (reload = false) => {
    if (reload) {
      try {
        await load();
      } catch (error) {
        say(error.message, { error: true });
      }
    }
    if (!still("/portal")) return;
    const pick = { onPick: pickSlot(rerender), moving: Boolean(state.moving) };
    let grid;
    if (state.view === "week") {
      grid = weekGrid(state.from, 7, state.slots, state.zone, pick);
    } else {
      const selected = state.selected && state.selected.slice(0, 7) === state.from.slice(0, 7) ? state.selected : null;
      const daySlots = selected ? byDay(state.slots, state.zone).get(selected) || [] : [];
      grid = h("div", {},
        monthGrid(state.from, state.slots, state.zone, {
          selected, today: state.today, onDay: async (d) => { state.selected = d; await rerender(); },
        }),
        selected ? h("section", { class: "day-detail", "aria-label": dateLabel(selected, true) },
          h("h3", {}, dateLabel(selected, true)),
          daySlots.length ? h("div", { class: "slots" }, daySlots.map((s) => slotButton(s, state.zone, pick)))
            : h("p", { class: "muted" }, t("No times on this day"))) : null);
    }
    const banner = state.moving ? h("div", { class: "banner", role: "note" },
      t("Pick a new time for {when}.", { when: full(state.moving.starts_at, state.zone) }),
      h("button", { type: "button", class: "btn", onclick: async () => { state.moving = null; await rerender(); } }, t("Stop moving"))) : null;
    fill(main, banner, toolbar(rerender), filters(rerender), legend(), grid);
  };
  await rerender(true);
}
