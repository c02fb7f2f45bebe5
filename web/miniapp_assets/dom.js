// Building the page safely: text always goes in as textContent, never as HTML.

/** An element: h("button", {class: "x", onclick: f, "aria-label": "..."}, "text", child). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2), value);
    } else if (key === "class") {
      el.className = value;
    } else if (key === "dataset") {
      Object.assign(el.dataset, value);
    } else if (key === "vars") {
      // CSS custom properties through the CSSOM (allowed by the page's style-src 'self').
      for (const [name, v] of Object.entries(value)) el.style.setProperty(name, v);
    } else if (key in el && typeof value !== "string") {
      el[key] = value;
    } else {
      el.setAttribute(key, value === true ? "" : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replace an element's content with children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

const FOCUSABLE =
  'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), ' +
  'textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal dialog: focus moves in, Tab stays inside, Escape closes, and focus returns to what
 * opened it. Resolves with the value of the button pressed (null when dismissed).
 */
export function dialog({ title, body = [], actions, label }) {
  const opener = document.activeElement;
  return new Promise((resolve) => {
    const heading = h("h2", { id: `dlg-${Date.now()}`, class: "sheet-title" }, title);
    const box = h("dialog", { class: "sheet", "aria-labelledby": heading.id });
    if (label) box.setAttribute("aria-label", label);
    let result = null;
    const buttons = actions.map(({ text, value, kind = "" }) =>
      h("button", {
        type: "button",
        class: `btn ${kind}`,
        onclick: () => {
          result = typeof value === "function" ? value() : value;
          box.close();
        },
      }, text),
    );
    fill(box, heading, h("div", { class: "sheet-body" }, body), h("div", { class: "sheet-actions" }, buttons));
    box.addEventListener("keydown", (event) => {
      if (event.key !== "Tab") return;
      const items = [...box.querySelectorAll(FOCUSABLE)];
      if (!items.length) return;
      const first = items[0];
      const last = items[items.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        last.focus();
        event.preventDefault();
      } else if (!event.shiftKey && document.activeElement === last) {
        first.focus();
        event.preventDefault();
      }
    });
    box.addEventListener("close", () => {
      box.remove();
      if (opener && opener.isConnected && typeof opener.focus === "function") opener.focus();
      resolve(result);
    });
    document.body.append(box);
    box.showModal();
    (box.querySelector("input, select") || buttons[buttons.length - 1]).focus();
  });
}

/** Say something in the page's live region (polite for news, assertive for errors). */
export function say(text, { error = false } = {}) {
  const region = document.getElementById(error ? "alert" : "status");
  fill(region, text ? h("p", {}, text) : null);
  region.hidden = !text;
}

/** Whether the page still shows this route: an answer that comes late must not draw over another screen. */
export function still(route) {
  return window.location.hash.replace(/^#/, "").split("?")[0] === route;
}
