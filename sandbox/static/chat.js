// The demo's chat page: people on the left, the chosen person's chat with the bot on the right.
// What the bot sends is untrusted: the DOM is built from Telegram's text and entities with
// createElement and text nodes only, never by reading a string as HTML.

const $ = (id) => document.getElementById(id);
const state = { texts: {}, language: "en", person: null, view: null, bot: "" };

// --- tiny helpers -----------------------------------------------------------------------------
function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child);
  return node;
}
const t = (key) => state.texts[key] ?? key;

async function api(path, body) {
  const init = body === undefined ? {} : {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  };
  const response = await fetch(path, init);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error ? t(data.error) : response.statusText);
  return data;
}

function toast(text) {
  const node = el("div", { class: "toast", text });
  $("toasts").append(node);
  setTimeout(() => node.remove(), 3500);
}

function showAlert(text) {
  $("alert-text").textContent = text;
  $("alert-dialog").showModal();
}

// --- texts and language -------------------------------------------------------------------
async function loadTexts(language) {
  const data = await api(`/demo/texts?lang=${encodeURIComponent(language)}`);
  state.texts = data.texts;
  state.language = data.language;
  localStorage.setItem("lessonlink-demo-language", data.language);
  document.documentElement.lang = data.language;
  document.title = t("title");
  for (const node of document.querySelectorAll("[data-text]")) node.textContent = t(node.dataset.text);
  $("text").placeholder = t("message");
  const box = $("languages");
  box.replaceChildren(...data.languages.map((code) => el("button", {
    type: "button", "aria-pressed": String(code === data.language), text: code.toUpperCase(),
    onclick: () => loadTexts(code).then(render),
  })));
}

// --- Telegram text with entities -> DOM ---------------------------------------------------
const LINK_RE = /(https?:\/\/[^\s<>"]+)|(^|\s)(\/[A-Za-z0-9_]{1,32})(?=\s|$|[.,!?])/g;

function plain(parent, text, fromBot) {
  // Like Telegram's apps: bare links are clickable, and so are /commands the bot mentions.
  let pos = 0;
  for (const match of text.matchAll(LINK_RE)) {
    if (match[1]) {
      parent.append(text.slice(pos, match.index), link(match[1], match[1]));
      pos = match.index + match[1].length;
    } else if (fromBot) {
      const start = match.index + match[2].length;
      parent.append(text.slice(pos, start), command(match[3]));
      pos = start + match[3].length;
    }
  }
  parent.append(text.slice(pos));
}

function command(name) {
  return el("span", { class: "command", text: name, onclick: () => send(name) });
}

function link(text, url) {
  const safe = /^(https?:|tg:)/i.test(url) ? url : "#";
  return el("a", { href: safe, target: "_blank", rel: "noopener noreferrer", text, onclick: (e) => openUrl(e, safe) });
}

function entityNode(entity, text) {
  const tags = { bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code", pre: "pre", blockquote: "blockquote", expandable_blockquote: "blockquote" };
  if (tags[entity.type]) return el(tags[entity.type]);
  if (entity.type === "spoiler") {
    return el("span", { class: "spoiler", onclick: (e) => e.currentTarget.classList.add("shown") });
  }
  if (entity.type === "text_link") return link("", entity.url);
  if (entity.type === "url") return link("", text);
  return el("span");
}

function build(parent, text, entities, start, end, fromBot) {
  let pos = start;
  let i = 0;
  while (i < entities.length) {
    const entity = entities[i];
    if (entity.offset < pos) { i += 1; continue; }  // overlaps a sibling: Telegram forbids it
    if (entity.offset >= end) break;
    plain(parent, text.slice(pos, entity.offset), fromBot);
    const stop = Math.min(entity.offset + entity.length, end);
    const inner = [];
    let j = i + 1;
    for (; j < entities.length && entities[j].offset < stop; j += 1) {
      if (entities[j].offset + entities[j].length <= stop) inner.push(entities[j]);
    }
    const node = entityNode(entity, text.slice(entity.offset, stop));
    if (node.tagName === "A" || entity.type === "code" || entity.type === "pre") {
      node.textContent = text.slice(entity.offset, stop);  // no links or commands inside these
    } else {
      build(node, text, inner, entity.offset, stop, fromBot);
    }
    parent.append(node);
    pos = stop;
    i = j;
  }
  plain(parent, text.slice(pos, end), fromBot);
}

function richText(text, entities, fromBot) {
  const box = el("div", { class: "text" });
  const sorted = [...(entities || [])].sort((a, b) => a.offset - b.offset || b.length - a.length);
  build(box, text || "", sorted, 0, (text || "").length, fromBot);
  return box;
}

// --- deep links, url and web_app buttons --------------------------------------------------
function deepLinkToken(url) {
  let parsed;
  try { parsed = new URL(url); } catch { return null; }
  if (parsed.hostname !== "t.me") return null;
  if (parsed.pathname === "/share/url") return deepLinkToken(parsed.searchParams.get("url") || "");
  if (parsed.pathname.slice(1).toLowerCase() !== state.bot.toLowerCase()) return null;
  return parsed.searchParams.get("start");
}

function openUrl(event, url) {
  const token = deepLinkToken(url);
  if (token === null) return;  // an ordinary link opens in a new tab
  event.preventDefault();
  chooseOpener(token);
}

function chooseOpener(token) {
  const list = $("link-people");
  const others = state.view.people.filter((p) => p.id !== state.person);
  const open = async (id) => {
    $("link-dialog").close();
    await select(id);
    await send(`/start ${token}`);
  };
  list.replaceChildren(
    ...others.map((p) => el("li", {}, el("button", { type: "button", text: p.name, onclick: () => open(p.id) }))),
    el("li", {}, el("button", {
      type: "button", text: `➕ ${t("new_person")}`, "data-testid": "link-new-person",
      onclick: () => { $("link-dialog").close(); askPerson((id) => open(id)); },
    })),
  );
  $("link-dialog").showModal();
}

async function openWebApp(url) {
  const data = await api(`/demo/webapp?person=${state.person}&url=${encodeURIComponent(url)}`);
  $("app-frame").src = data.url;
  $("app-dialog").showModal();
}

// --- rendering ----------------------------------------------------------------------------
function keyboard(message) {
  const rows = message.keyboard.map((row) => el("div", { class: "row" }, ...row.map((button) => {
    const node = el("button", { type: "button", text: button.text });
    if (button.callback_data !== undefined) {
      node.addEventListener("click", () => press(message.id, button.callback_data));
    } else if (button.url) {
      node.addEventListener("click", (e) => {
        if (deepLinkToken(button.url) !== null) openUrl(e, button.url);
        else window.open(button.url, "_blank", "noopener");
      });
    } else if (button.web_app) {
      node.addEventListener("click", () => openWebApp(button.web_app.url).catch((e) => toast(e.message)));
    }
    return node;
  })));
  return el("div", { class: "keyboard" }, ...rows);
}

function clockText(iso, zone, withDate) {
  const time = { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone };
  const options = withDate ? { weekday: "short", day: "numeric", month: "short", ...time } : time;
  const locale = state.language === "en" ? "en-GB" : state.language;  // 24-hour, as the bot
  return new Intl.DateTimeFormat(locale, options).format(new Date(iso));
}

function messageNode(message, zone) {
  const bubble = el("div", { class: "bubble" });
  if (message.file && message.kind === "photo") {
    bubble.append(el("img", { src: message.file, alt: message.file_name }));
  } else if (message.file) {
    bubble.append(el("a", { class: "file", href: message.file, download: message.file_name, text: `📎 ${message.file_name}` }));
  }
  // Like Telegram's apps, a deep link's start shows as "/start": its token stays out of sight.
  const deepStart = !message.from_bot && /^\/start \S+$/.test(message.text || "");
  const shown = deepStart ? { text: "/start", entities: [] } : message;
  if (shown.text) bubble.append(richText(shown.text, shown.entities, message.from_bot));
  const when = clockText(new Date(message.date * 1000).toISOString(), zone, false);
  const meta = el("div", { class: "meta", text: message.edited ? `${t("edited")} ${when}` : when });
  const item = el("li", { class: message.from_bot ? "msg" : "msg mine", "data-id": String(message.id) }, bubble, meta);
  if (message.keyboard.length) item.append(keyboard(message));
  return item;
}

function render() {
  const view = state.view;
  if (!view) return;
  const person = view.people.find((p) => p.id === state.person);
  const zone = person ? person.timezone : "UTC";
  $("clock").textContent = clockText(view.clock, zone, true);
  $("people").replaceChildren(...view.people.map((p) => el("li", {}, el("button", {
    type: "button", "aria-current": String(p.id === state.person), onclick: () => select(p.id),
  }, el("span", { text: p.name }), el("small", { text: `${p.language.toUpperCase()} · ${p.timezone}` })))));
  $("composer").hidden = !person;
  $("empty").hidden = Boolean(person);
  if (!person) {
    $("chat-head").replaceChildren();
    $("messages").replaceChildren();
    return;
  }
  $("chat-head").replaceChildren(
    el("strong", { text: `${view.bot_name} · ${person.name}` }),
    el("small", { text: t("local_time").replace("{time}", clockText(view.clock, zone, false)) }),
  );
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  box.replaceChildren(...(view.chat || []).map((m) => messageNode(m, zone)));
  if (atBottom || state.scroll) box.scrollTop = box.scrollHeight;
  state.scroll = false;
  const commands = view.commands || [];
  $("commands").replaceChildren(...(commands.length ? commands.map((c) => el("li", {}, el("button", {
    type: "button", onclick: () => { $("commands").hidden = true; send(`/${c.command}`); },
  }, el("b", { text: `/${c.command}` }), c.description))) : [el("li", { text: t("no_commands") })]));
}

let refreshes = 0;

async function refresh() {
  // Only the newest answer is shown: an older one may have been asked for another person.
  const mine = ++refreshes;
  const query = state.person ? `?person=${state.person}` : "";
  const view = await api(`/demo/view${query}`);
  if (mine !== refreshes) return;
  state.view = view;
  state.bot = state.view.bot;
  render();
}

// --- actions ------------------------------------------------------------------------------
async function select(id) {
  state.person = id;
  state.scroll = true;
  localStorage.setItem("lessonlink-demo-person", String(id));
  await refresh();
  $("text").focus();
}

async function send(text) {
  if (!state.person || !text.trim()) return;
  try {
    await api("/demo/send", { person: state.person, text });
    state.scroll = true;
  } catch (error) { toast(error.message); }
}

async function press(messageId, data) {
  try { await api("/demo/press", { person: state.person, message: messageId, data }); }
  catch (error) { toast(error.message); }
}

function askPerson(done) {
  const form = $("person-form");
  form.reset();
  form.language.value = state.language;
  form.timezone.value = Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
  $("person-error").textContent = "";
  state.personDone = done;
  $("person-dialog").showModal();
}

async function submitPerson(event) {
  event.preventDefault();
  if (event.submitter && event.submitter.value === "cancel") { $("person-dialog").close(); return; }
  const form = $("person-form");
  try {
    const made = await api("/demo/people", {
      name: form.name.value, language: form.language.value, timezone: form.timezone.value,
    });
    $("person-dialog").close();
    await (state.personDone || select)(made.id);
  } catch (error) { $("person-error").textContent = error.message; }
}

function listen() {
  const source = new EventSource("/demo/events");
  source.addEventListener("change", () => refresh().catch(() => {}));
  source.addEventListener("answer", (event) => {
    const answer = JSON.parse(event.data);
    if (answer.person !== state.person || !answer.text) return;
    if (answer.alert) showAlert(answer.text); else toast(answer.text);
  });
  source.addEventListener("error", () => toast(t("reconnecting")));
}

async function start() {
  const stored = localStorage.getItem("lessonlink-demo-language");
  const browser = (navigator.language || "en").slice(0, 2);
  await loadTexts(stored || browser);
  await refresh();
  const last = Number(localStorage.getItem("lessonlink-demo-person"));
  if (state.view.people.some((p) => p.id === last)) await select(last);
  $("add-person").addEventListener("click", () => askPerson(select));
  $("person-form").addEventListener("submit", submitPerson);
  $("link-cancel").addEventListener("click", () => $("link-dialog").close());
  $("alert-ok").addEventListener("click", () => $("alert-dialog").close());
  $("app-close").addEventListener("click", () => { $("app-frame").src = "about:blank"; $("app-dialog").close(); });
  $("menu-button").addEventListener("click", () => { $("commands").hidden = !$("commands").hidden; });
  $("plus-hour").addEventListener("click", () => api("/demo/clock", { step: "hour" }).catch((e) => toast(e.message)));
  $("plus-day").addEventListener("click", () => api("/demo/clock", { step: "day" }).catch((e) => toast(e.message)));
  $("composer").addEventListener("submit", async (event) => {
    event.preventDefault();
    const input = $("text");
    const text = input.value;
    input.value = "";
    await send(text);
  });
  listen();
}

start();
