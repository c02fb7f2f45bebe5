// The page's texts, from the bot's own catalogs (GET /api/i18n/{lang}), and dates in a zone.

let texts = {};
let language = "en";

/** Load the texts of a language (English when the server has no catalog for it). */
export async function loadTexts(wanted) {
  const code = (wanted || "en").split(/[-_]/)[0].toLowerCase();
  if (code === language && Object.keys(texts).length) return language;
  try {
    const response = await fetch(`/api/i18n/${encodeURIComponent(code)}`);
    if (response.ok) {
      texts = await response.json();
      language = response.headers.get("Content-Language") || code;
    }
  } catch {
    texts = {};
  }
  document.documentElement.lang = language;
  return language;
}

/** The text of a msgid in the page's language, with {placeholders} filled in. */
export function t(msgid, params = {}) {
  const text = texts[msgid] || msgid;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

export function lang() {
  return language;
}

/** The locale dates are written in: the device's own when it speaks the page's language. */
function locale() {
  const device = navigator.language || "";
  return device.toLowerCase().startsWith(language) ? device : language;
}

function parts(moment, zone, options) {
  const format = new Intl.DateTimeFormat(locale(), { timeZone: zone, ...options });
  return format.format(moment);
}

/** "14:30" in the zone. */
export function time(iso, zone) {
  return parts(new Date(iso), zone, { hour: "2-digit", minute: "2-digit", hour12: false });
}

/** "Tue 2 Dec" in the zone. */
export function day(iso, zone) {
  return parts(new Date(iso), zone, { weekday: "short", day: "numeric", month: "short" });
}

/** "Tuesday, 2 December 2026, 14:30" in the zone. */
export function full(iso, zone) {
  return parts(new Date(iso), zone, { dateStyle: "full", timeStyle: "short" });
}

/** The date (YYYY-MM-DD) a moment falls on in the zone. */
export function dateIn(iso, zone) {
  const format = new Intl.DateTimeFormat("en-CA", {
    timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit",
  });
  return format.format(new Date(iso));
}

/** The hour (0-23) of a moment in the zone. */
export function hourIn(iso, zone) {
  const format = new Intl.DateTimeFormat("en-GB", { timeZone: zone, hour: "2-digit", hourCycle: "h23" });
  return Number(format.format(new Date(iso)));
}

/** Calendar arithmetic on plain dates ("2026-12-02"), free of any zone. */
export function addDays(isoDate, count) {
  const d = new Date(`${isoDate}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + count);
  return d.toISOString().slice(0, 10);
}

/** Monday = 0 ... Sunday = 6 of a plain date. */
export function weekday(isoDate) {
  return (new Date(`${isoDate}T12:00:00Z`).getUTCDay() + 6) % 7;
}

/** "December 2026" for a plain date's month. */
export function monthTitle(isoDate) {
  return new Intl.DateTimeFormat(locale(), { month: "long", year: "numeric", timeZone: "UTC" })
    .format(new Date(`${isoDate.slice(0, 7)}-15T12:00:00Z`));
}

/** "Tue 2" for a plain date; `long` gives "Tuesday, 2 December". */
export function dateLabel(isoDate, long = false) {
  const options = long
    ? { weekday: "long", day: "numeric", month: "long", timeZone: "UTC" }
    : { weekday: "short", day: "numeric", timeZone: "UTC" };
  return new Intl.DateTimeFormat(locale(), options).format(new Date(`${isoDate}T12:00:00Z`));
}

/** Short weekday names, Monday first. */
export function weekdayNames() {
  const monday = "2026-11-30";
  return [0, 1, 2, 3, 4, 5, 6].map((i) =>
    new Intl.DateTimeFormat(locale(), { weekday: "short", timeZone: "UTC" })
      .format(new Date(`${addDays(monday, i)}T12:00:00Z`)),
  );
}
