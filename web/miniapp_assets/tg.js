// Telegram's Mini App bridge without telegram.org's script: launch parameters from the URL
// hash (core.telegram.org/bots/webapps, "Initializing Mini Apps"), events to the client
// through TelegramWebviewProxy or the parent frame, events from it through receiveEvent.

const STORE = "lessonlink-launch";
const listeners = {};

/** Split "#/route?tgWebAppData=..." (or "#tgWebAppData=...") into route and launch params. */
export function splitHash(hash) {
  const raw = hash.replace(/^#/, "");
  const at = raw.search(/(^|[?&])tgWebApp/);
  if (at < 0) return { route: raw, params: null };
  const route = raw.slice(0, at).replace(/[?&]$/, "");
  const params = new URLSearchParams(raw.slice(at).replace(/^[?&]/, ""));
  return { route, params };
}

/** The launch data: initData, its user, theme, start_param; kept for reloads of the page. */
export function readLaunch() {
  const { route, params } = splitHash(window.location.hash);
  let stored = {};
  if (params) {
    stored = {
      initData: params.get("tgWebAppData") || "",
      theme: params.get("tgWebAppThemeParams") || "",
      platform: params.get("tgWebAppPlatform") || "",
      startParam: params.get("tgWebAppStartParam") || "",
    };
    try {
      sessionStorage.setItem(STORE, JSON.stringify(stored));
    } catch {
      // Storage may be off in a webview; the launch data still works for this page view.
    }
    // Keep the route in the hash, drop the launch data from the address bar.
    history.replaceState(null, "", `${location.pathname}${location.search}#${route || "/"}`);
  } else {
    try {
      stored = JSON.parse(sessionStorage.getItem(STORE) || "{}");
    } catch {
      stored = {};
    }
  }
  const data = new URLSearchParams(stored.initData || "");
  let user = null;
  try {
    user = JSON.parse(data.get("user") || "null");
  } catch {
    user = null;
  }
  let theme = null;
  try {
    theme = stored.theme ? JSON.parse(stored.theme) : null;
  } catch {
    theme = null;
  }
  return {
    initData: stored.initData || "",
    user,
    theme,
    startParam: stored.startParam || data.get("start_param") || "",
    inTelegram: Boolean(stored.initData),
  };
}

/** Send an event to the Telegram client (no-op in a plain browser). */
export function postEvent(eventType, eventData = {}) {
  const proxy = window.TelegramWebviewProxy;
  if (proxy && typeof proxy.postEvent === "function") {
    proxy.postEvent(eventType, JSON.stringify(eventData));
    return true;
  }
  if (window.parent && window.parent !== window) {
    window.parent.postMessage(JSON.stringify({ eventType, eventData }), "*");
    return true;
  }
  return false;
}

/** Call back on an event from the client (theme_changed, viewport_changed...). */
export function onEvent(eventType, callback) {
  (listeners[eventType] ||= []).push(callback);
}

function receive(eventType, eventData) {
  for (const callback of listeners[eventType] || []) callback(eventData || {});
}

// Mobile and desktop clients call window.Telegram.WebView.receiveEvent; the web client posts
// a message to the frame.
window.Telegram = window.Telegram || {};
window.Telegram.WebView = window.Telegram.WebView || {};
window.Telegram.WebView.receiveEvent = receive;
window.TelegramGameProxy = window.TelegramGameProxy || { receiveEvent: receive };
window.addEventListener("message", (event) => {
  if (event.source !== window.parent) return;
  try {
    const { eventType, eventData } = JSON.parse(event.data);
    if (typeof eventType === "string") receive(eventType, eventData);
  } catch {
    // Not a message from the Telegram client.
  }
});

const THEME_KEYS = [
  "bg_color", "text_color", "hint_color", "link_color", "button_color", "button_text_color",
  "secondary_bg_color", "header_bg_color", "accent_text_color", "section_bg_color",
  "section_header_text_color", "subtitle_text_color", "destructive_text_color",
];

function luminance(hex) {
  const m = /^#?([0-9a-f]{6})$/i.exec(hex || "");
  if (!m) return null;
  const n = parseInt(m[1], 16);
  return (0.2126 * (n >> 16) + 0.7152 * ((n >> 8) & 255) + 0.0722 * (n & 255)) / 255;
}

/** Apply Telegram's theme params as CSS variables; the scheme follows the background. */
export function applyTheme(theme) {
  const root = document.documentElement;
  if (!theme) return;
  for (const key of THEME_KEYS) {
    const value = theme[key];
    if (typeof value === "string" && /^#[0-9a-f]{3,8}$/i.test(value)) {
      root.style.setProperty(`--tg-theme-${key.replaceAll("_", "-")}`, value);
    }
  }
  const light = luminance(theme.bg_color);
  if (light !== null) root.dataset.scheme = light < 0.5 ? "dark" : "light";
}

/** Share a link through Telegram's share screen (t.me/share/url), or the browser's own. */
export function share(url, text) {
  const query = `url=${encodeURIComponent(url)}&text=${encodeURIComponent(text)}`;
  if (postEvent("web_app_open_tg_link", { path_full: `/share/url?${query}` })) return;
  if (navigator.share) {
    navigator.share({ url, text }).catch(() => {});
    return;
  }
  window.open(`https://t.me/share/url?${query}`, "_blank", "noopener");
}
