// The Mini App's start and its hash routes: #/portal (the student) and #/teacher (the panel).

import { useInitData, call } from "./api.js";
import { showBookings } from "./bookings.js";
import { fill, h, say } from "./dom.js";
import { loadTexts, t } from "./i18n.js";
import { showAnalytics, showSchedule } from "./insights.js";
import { info, openPortal, showCalendar } from "./portal.js";
import { applyTheme, onEvent, postEvent, readLaunch } from "./tg.js";
import { showLinkCard, showStudents } from "./teacher.js";

const app = { token: "", teacher: null, portals: [], launch: null };
const BROWSER_PATH = /^\/book\/(\d+)\/([^/]+)\/?$/;

function tabs() {
  const route = window.location.hash.replace(/^#/, "") || "/";
  const items = [];
  if (app.token) {
    items.push(["#/portal", t("Book a lesson"), route === "/portal"]);
    items.push(["#/portal/bookings", t("My bookings"), route === "/portal/bookings"]);
  }
  if (app.teacher) {
    items.push(["#/teacher", t("Students"), route.startsWith("/teacher") && !/analytics|schedule/.test(route)]);
    items.push(["#/teacher/schedule", t("Schedule"), route === "/teacher/schedule"]);
    items.push(["#/teacher/analytics", t("Analytics"), route === "/teacher/analytics"]);
  }
  const nav = document.getElementById("tabs");
  fill(nav, items.length > 1 ? items.map(([href, text, current]) =>
    h("a", { href, class: "tab", "aria-current": current ? "page" : null }, text)) : null);
  nav.setAttribute("aria-label", t("Sections"));
}

function heading() {
  const portal = info();
  const onPortal = (window.location.hash || "").startsWith("#/portal");
  if (onPortal && portal) {
    fill(document.getElementById("title"), portal.teacher.name);
    fill(document.getElementById("subtitle"), t("Booking as {name} · times in {zone}", { name: portal.student.name, zone: portal.zone }));
  } else if (app.teacher) {
    fill(document.getElementById("title"), app.teacher.name);
    fill(document.getElementById("subtitle"), t("Teacher panel"));
  }
}

async function route() {
  const main = document.getElementById("main");
  let path = window.location.hash.replace(/^#/, "");
  if (!path || path === "/") {
    path = app.token ? "/portal" : app.teacher ? "/teacher" : "";
    if (path) {
      history.replaceState(null, "", `${location.pathname}${location.search}#${path}`);
    }
  }
  say("", { error: true });
  say(""); // news of the last screen does not follow to the next
  // Telegram's own Back button, on the screens one level down.
  postEvent("web_app_setup_back_button", { is_visible: /^\/teacher\/students\/|^\/portal\/bookings$/.test(path) });
  tabs();
  heading();
  try {
    if (path === "/portal" && app.token) await showCalendar(main);
    else if (path === "/portal/bookings" && app.token) await showBookings(main);
    else if (path === "/teacher" && app.teacher) await showStudents(main);
    else if (path.startsWith("/teacher/students/") && app.teacher) await showLinkCard(main, path.split("/")[3]);
    else if (path === "/teacher/analytics" && app.teacher) await showAnalytics(main);
    else if (path === "/teacher/schedule" && app.teacher) await showSchedule(main);
    else fill(main, h("p", { class: "empty" }, app.launch.inTelegram || app.token
      ? t("Nothing to show here. Ask your teacher for your booking link.")
      : t("Open this page from Telegram, or with the link your teacher sent you.")));
  } catch (error) {
    fill(main);
    say(error.message || t("Something went wrong. Please try again."), { error: true });
  }
}

async function start() {
  const launch = readLaunch();
  app.launch = launch;
  applyTheme(launch.theme);
  onEvent("theme_changed", (data) => applyTheme(data.theme_params));
  onEvent("back_button_pressed", () => window.history.back());
  useInitData(launch.initData);
  await loadTexts((launch.user && launch.user.language_code) || navigator.language);
  fill(document.querySelector(".skip"), t("Skip to content"));
  const inBrowser = BROWSER_PATH.exec(window.location.pathname);
  try {
    if (inBrowser) {
      app.token = decodeURIComponent(inBrowser[2]);
    } else if (launch.inTelegram) {
      const me = await call("GET", "/api/me", { fallback: t("Something went wrong. Please try again.") });
      await loadTexts(me.user.language);
      app.teacher = me.teacher;
      app.portals = me.portals;
      app.token = launch.startParam || (me.portals[0] && me.portals[0].token) || "";
    }
    if (app.token) {
      const portal = await openPortal(app.token);
      await loadTexts(portal.language);
    }
  } catch (error) {
    // The link may be refused (revoked, expired, another account's): say why, keep the rest.
    app.token = "";
    say(error.message, { error: true });
  }
  postEvent("web_app_ready");
  postEvent("web_app_expand");
  postEvent("web_app_request_theme"); // the client answers with theme_changed
  window.addEventListener("hashchange", route);
  const failed = document.getElementById("alert").hidden === false;
  const said = failed ? document.getElementById("alert").textContent : "";
  await route();
  if (said) say(said, { error: true });
  document.body.dataset.ready = "true";
}

start();
