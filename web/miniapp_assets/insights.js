// The teacher's analytics (link openings, bookings, cancellations, peak times) and the
// week's schedule as a grid.

import { call } from "./api.js";
import { fill, h, still } from "./dom.js";
import { addDays, dateIn, dateLabel, t, time, weekdayNames } from "./i18n.js";
import { swatch } from "./teacher.js";

let days = 30;
let scheduleFrom = null;

function stat(label, value) {
  return h("div", { class: "stat" }, h("span", { class: "stat-value" }, String(value)), h("span", { class: "stat-label" }, label));
}

function heatmap(cells) {
  const counts = new Map(cells.map((c) => [`${c.weekday}:${c.hour}`, c.lessons]));
  const hours = cells.map((c) => c.hour);
  if (!hours.length) return h("p", { class: "muted" }, t("No lessons in this period."));
  const first = Math.min(...hours);
  const last = Math.max(...hours);
  const most = Math.max(...cells.map((c) => c.lessons));
  const names = weekdayNames();
  const head = h("tr", {}, h("th", { scope: "col" }, t("Hour")), names.map((n) => h("th", { scope: "col" }, n)));
  const rows = [];
  for (let hour = first; hour <= last; hour += 1) {
    rows.push(h("tr", {}, h("th", { scope: "row" }, `${String(hour).padStart(2, "0")}:00`),
      names.map((_, weekday) => {
        const n = counts.get(`${weekday}:${hour}`) || 0;
        const level = n ? Math.ceil((4 * n) / most) : 0;
        return h("td", { class: `heat heat-${level}` }, n ? String(n) : "");
      })));
  }
  return h("div", { class: "scroll" }, h("table", { class: "heatmap", "aria-label": t("Peak times") },
    h("thead", {}, head), h("tbody", {}, rows)));
}

/** The analytics screen. */
export async function showAnalytics(main) {
  const [usage, booked] = await Promise.all([
    call("GET", `/api/teacher/analytics/token-usage?days=${days}`, { fallback: t("Could not load the analytics. Please try again.") }),
    call("GET", `/api/teacher/analytics/bookings?days=${days}`, { fallback: t("Could not load the analytics. Please try again.") }),
  ]);
  if (!still("/teacher/analytics")) return;
  const period = h("select", { id: "a-days" }, [7, 30, 90].map((n) =>
    h("option", { value: String(n), selected: n === days }, t("Last {days} days", { days: n }))));
  period.addEventListener("change", async () => { days = Number(period.value); await showAnalytics(main); });
  const most = Math.max(1, ...usage.daily.map((d) => d.openings + d.refused));
  fill(main,
    h("h2", {}, t("Analytics")),
    h("label", { for: "a-days" }, t("Period"), period),
    h("section", { class: "card", "aria-label": t("Links") },
      h("h3", {}, t("Links")),
      h("div", { class: "stats" },
        stat(t("Openings"), usage.totals.openings), stat(t("Refused"), usage.totals.refused),
        stat(t("Students who opened"), usage.totals.students_opened), stat(t("Never opened"), usage.totals.students_never)),
      h("div", { class: "scroll" }, h("table", { class: "table" },
        h("thead", {}, h("tr", {}, [t("Student"), t("Openings"), t("Refused")].map((c) => h("th", { scope: "col" }, c)))),
        h("tbody", {}, usage.links.map((l) => h("tr", {},
          h("td", {}, swatch(l.colour, ""), " ", l.name), h("td", {}, String(l.openings)), h("td", {}, String(l.refused))))))),
      h("ol", { class: "bars", "aria-label": t("Openings by day") }, usage.daily.filter((d) => d.openings || d.refused).map((d) =>
        h("li", { class: "bar-row" }, h("span", { class: "bar-date" }, dateLabel(d.date)),
          h("span", { class: "bar", "aria-hidden": "true", vars: { "--share": `${(100 * d.openings) / most}%` } }),
          h("span", {}, t("{openings} opened, {refused} refused", { openings: d.openings, refused: d.refused })))))),
    h("section", { class: "card", "aria-label": t("Bookings") },
      h("h3", {}, t("Bookings")),
      h("div", { class: "stats" },
        stat(t("Bookings"), booked.bookings), stat(t("Cancelled by students"), booked.cancellations.by_student),
        stat(t("Cancelled by you"), booked.cancellations.by_teacher), stat(t("Moved"), booked.rescheduled)),
      h("h3", {}, t("Peak times")), heatmap(booked.heatmap)));
}

/** The week's schedule: lessons (in the student's colour, with the name) and free times. */
export async function showSchedule(main) {
  const query = new URLSearchParams({ days: "7" });
  if (scheduleFrom) query.set("from", scheduleFrom);
  const week = await call("GET", `/api/teacher/schedule?${query}`, { fallback: t("Could not load the schedule. Please try again.") });
  if (!still("/teacher/schedule")) return;
  scheduleFrom = week.from;
  const zone = week.zone;
  const columns = [];
  for (let i = 0; i < week.days; i += 1) {
    const date = addDays(week.from, i);
    const items = [
      ...week.lessons.filter((l) => dateIn(l.starts_at, zone) === date).map((l) => ({ at: l.starts_at, el:
        h("li", { class: "lesson", vars: { "--swatch": l.student.colour || "#888" } },
          h("span", { class: "slot-time" }, `${time(l.starts_at, zone)}–${time(l.ends_at, zone)}`),
          h("span", {}, `${l.student.name} · ${l.subject}`)) })),
      ...week.free.filter((f) => dateIn(f.starts_at, zone) === date).map((f) => ({ at: f.starts_at, el:
        h("li", { class: "free-slot" },
          h("span", { class: "slot-time" }, `${time(f.starts_at, zone)}–${time(f.ends_at, zone)}`),
          h("span", {}, `${t("Free")} · ${f.subject}${f.seats > 1 ? ` · ${f.booked}/${f.seats}` : ""}`)) })),
    ].sort((a, b) => a.at.localeCompare(b.at));
    columns.push(h("section", { class: "day", "aria-label": dateLabel(date, true) },
      h("h3", { class: "day-title" }, dateLabel(date)),
      items.length ? h("ul", { class: "day-items" }, items.map((x) => x.el)) : h("p", { class: "muted" }, t("Nothing"))));
  }
  const move = (n) => async () => { scheduleFrom = addDays(week.from, n); await showSchedule(main); };
  fill(main,
    h("h2", {}, t("Schedule")),
    h("div", { class: "period" },
      h("button", { type: "button", class: "icon-btn", "aria-label": t("Previous week"), onclick: move(-7) }, "‹"),
      h("h3", { class: "period-title" }, `${dateLabel(week.from)} – ${dateLabel(addDays(week.from, week.days - 1))}`),
      h("button", { type: "button", class: "icon-btn", "aria-label": t("Next week"), onclick: move(7) }, "›")),
    h("div", { class: "week-grid" }, columns),
    h("p", { class: "muted zone" }, t("Times are in {zone}.", { zone })));
}
