// My bookings: the student's lessons to come (cancel, move, add to calendar) and the last ones.

import { call, file } from "./api.js";
import { base, startMove } from "./portal.js";
import { dialog, fill, h, say, still } from "./dom.js";
import { full, t, time } from "./i18n.js";

function statusLabel(status) {
  return { confirmed: t("Confirmed"), cancelled: t("Cancelled") }[status] || status;
}

async function download(booking) {
  try {
    const blob = await file(`${base()}/bookings/${booking.id}/calendar.ics`,
      t("Could not make the calendar file. Please try again."));
    const link = h("a", { href: URL.createObjectURL(blob), download: `lesson-${booking.id}.ics`, hidden: true });
    document.body.append(link);
    link.click();
    link.remove();
    say(t("Calendar file ready."));
  } catch (error) {
    say(error.message, { error: true });
  }
}

async function cancel(booking, zone, rerender) {
  const sure = await dialog({
    title: t("Cancel this lesson?"),
    body: [h("p", {}, `${full(booking.starts_at, zone)} · ${booking.subject}`)],
    actions: [
      { text: t("Keep it"), value: false },
      { text: t("Cancel lesson"), value: true, kind: "danger" },
    ],
  });
  if (!sure) return;
  try {
    await call("POST", `${base()}/cancel/${booking.id}`, {
      fallback: t("Could not cancel. Please try again."),
    });
    say(t("Cancelled: {when}.", { when: full(booking.starts_at, zone) }));
  } catch (error) {
    say(error.message, { error: true });
  }
  await rerender();
}

/** Where the lesson is: a meeting link to open (the API gives only https links) or an address. */
function place(booking) {
  if (!booking.place) return null;
  const link = booking.place.startsWith("https://");
  return h("p", { class: "place" }, `📍 ${t("Place")}: `,
    link ? h("a", { href: booking.place, target: "_blank", rel: "noopener noreferrer" }, booking.place) : booking.place);
}

function card(booking, zone, rerender, upcoming) {
  const actions = [];
  if (upcoming && booking.status === "confirmed") {
    if (booking.may_change) {
      actions.push(
        h("button", { type: "button", class: "btn", onclick: () => { startMove(booking); window.location.hash = "#/portal"; } }, t("Move")),
        h("button", { type: "button", class: "btn danger", onclick: () => cancel(booking, zone, rerender) }, t("Cancel")),
      );
    } else {
      actions.push(h("p", { class: "muted" }, t("Too late to change this lesson here; please write to your teacher.")));
    }
    actions.push(h("button", { type: "button", class: "btn", onclick: () => download(booking) }, t("Add to calendar")));
  }
  const when = full(booking.starts_at, zone);
  return h("li", { class: `booking status-${booking.status}` },
    h("p", { class: "booking-when" }, when, " – ", time(booking.ends_at, zone)),
    h("p", {}, `${booking.subject} · ${booking.teacher.name}`),
    place(booking),
    h("p", { class: "badge" }, statusLabel(booking.status), booking.series_id ? ` · ${t("Weekly")}` : ""),
    booking.teacher_note ? h("p", { class: "note" }, t("Teacher's note: {note}", { note: booking.teacher_note })) : null,
    booking.student_note ? h("p", { class: "note" }, t("Your note: {note}", { note: booking.student_note })) : null,
    actions.length ? h("div", { class: "actions", role: "group", "aria-label": when }, actions) : null);
}

/** The My bookings screen. */
export async function showBookings(main) {
  const rerender = async () => {
    let listed;
    try {
      listed = await call("GET", `${base()}/my-bookings`, {
        fallback: t("Could not load your bookings. Please try again."),
      });
    } catch (error) {
      say(error.message, { error: true });
      return;
    }
    if (!still("/portal/bookings")) return;
    const zone = listed.zone;
    const upcoming = listed.upcoming.filter((b) => b.status === "confirmed");
    fill(main,
      h("h2", {}, t("My bookings")),
      upcoming.length
        ? h("ul", { class: "bookings", "aria-label": t("Upcoming lessons") }, upcoming.map((b) => card(b, zone, rerender, true)))
        : h("p", { class: "muted" }, t("No lessons booked yet.")),
      listed.past.length ? h("h3", {}, t("Past lessons")) : null,
      listed.past.length
        ? h("ul", { class: "bookings past", "aria-label": t("Past lessons") }, listed.past.map((b) => card(b, zone, rerender, false)))
        : null,
      h("p", { class: "muted zone" }, t("Times are in {zone}.", { zone })));
  };
  await rerender();
}
