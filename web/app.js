// eportd's status page: reads readers, cards, PIN tries, certificates and the help-desk guidance
// over eportd's own WebSocket (/ws) and redraws on every event. No external resources, no
// inline script (the Content-Security-Policy forbids both), text only through textContent.
"use strict";

const TEXT = {
  en: {
    title: "Your cards", connecting: "Connecting to eportd…", down: "eportd is not reachable; retrying…",
    readers: "Readers and cards", no_readers: "No card reader is connected.", help: "Where to get help",
    footer: "This page reads your cards through eportd on this computer; it never asks for your PIN.",
    card_in: "card inserted", no_card: "no card", card: "Card", serial: "Serial",
    pin: "PIN", tries_left: (n, max) => `${n} of ${max ?? "?"} tries left`, tries_unknown: "tries left: unknown",
    locked: "Locked", locked_help: "The PIN is locked. Take the card to a service site to have it unlocked.",
    final_try: "Only one try left: do not guess the PIN.", certificates: "Certificates",
    slot: "Slot", subject: "Holder", expires: "Expires", days_left: "Days left",
    state: { valid: "valid", expiring: "expiring soon", expired: "expired", not_yet_valid: "not yet valid" },
    days: (n) => (n < 0 ? `expired ${-n} days ago` : `${n} days`), no_certs: "No certificate on this card.",
    bring: { unlock: "To unlock a card, bring:", renew: "To renew a certificate, bring:", replace: "To replace a card, bring:" },
    phone: "Phone", error: "Could not read this card:", lang: "中文",
  },
  zh: {
    title: "您的卡", connecting: "正在连接 eportd…", down: "无法连接 eportd，正在重试…",
    readers: "读卡器和卡", no_readers: "未连接读卡器。", help: "到哪里办理",
    footer: "本页面通过本机的 eportd 读取您的卡，不会要求您输入口令（PIN）。",
    card_in: "已插卡", no_card: "未插卡", card: "卡", serial: "卡号",
    pin: "口令（PIN）", tries_left: (n, max) => `还可尝试 ${n} 次（共 ${max ?? "?"} 次）`, tries_unknown: "剩余次数：未知",
    locked: "已锁定", locked_help: "口令已锁定，请携带此卡到服务网点解锁。",
    final_try: "只剩最后一次机会：请不要猜测口令。", certificates: "证书",
    slot: "位置", subject: "持有人", expires: "到期时间", days_left: "剩余天数",
    state: { valid: "有效", expiring: "即将到期", expired: "已过期", not_yet_valid: "尚未生效" },
    days: (n) => (n < 0 ? `已过期 ${-n} 天` : `${n} 天`), no_certs: "此卡上没有证书。",
    bring: { unlock: "解锁需携带：", renew: "证书延期需携带：", replace: "换卡需携带：" },
    phone: "电话", error: "无法读取此卡：", lang: "English",
  },
};

let lang = ((navigator.languages && navigator.languages[0]) || navigator.language || "en").toLowerCase().startsWith("zh") ? "zh" : "en";
let socket = null;
let nextId = 1;
const pending = new Map();
let state = { readers: [], statuses: [], guidance: null };
let refreshQueued = false;

function t(key) { return TEXT[lang][key]; }

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  for (const child of children) node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  return node;
}

function call(method, params) {
  const id = nextId++;
  socket.send(JSON.stringify({ jsonrpc: "2.0", id, method, params: params || {} }));
  return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}

function connect() {
  socket = new WebSocket(`ws://${location.host}/ws`);
  socket.onopen = async () => {
    setConnection("up");
    await call("events.subscribe", {});
    state.guidance = await call("guidance.get");
    refresh();
  };
  socket.onmessage = (message) => {
    const data = JSON.parse(message.data);
    if (data.method === "event") return queueRefresh();
    const waiter = pending.get(data.id);
    if (!waiter) return;
    pending.delete(data.id);
    if (data.error) waiter.reject(data.error); else waiter.resolve(data.result);
  };
  socket.onclose = () => {
    setConnection("down");
    for (const waiter of pending.values()) waiter.reject({ message: "closed" });
    pending.clear();
    setTimeout(connect, 2000);
  };
}

function queueRefresh() {
  if (refreshQueued) return;
  refreshQueued = true;
  setTimeout(() => { refreshQueued = false; refresh(); }, 200);
}

async function refresh() {
  try {
    const readers = (await call("readers.list")).readers;
    const tokens = (await call("tokens.list")).tokens;
    const statuses = [];
    for (const token of tokens) {
      try { statuses.push(await call("token.status", { token: token.id })); }
      catch (error) { statuses.push({ token, error }); }
    }
    state = { ...state, readers, statuses };
  } catch (error) {
    // the connection dropped: onclose reconnects and refreshes
  }
  render();
}

function setConnection(value) {
  const node = document.getElementById("connection");
  node.dataset.state = value;
  node.textContent = value === "down" ? t("down") : t("connecting");
}

function pinLine(pin) {
  if (pin.state === "blocked") return el("p", { class: "pin" }, el("span", { class: "locked-label" }, t("locked")), " — ", t("locked_help"));
  const tries = pin.tries_left == null ? t("tries_unknown") : t("tries_left")(pin.tries_left, pin.max_tries);
  const line = el("p", { class: "pin" }, `${t("pin")}: `, el("span", { class: "tries" }, tries));
  if (pin.state === "final_try") line.append(el("br"), el("strong", {}, t("final_try")));
  return line;
}

function certTable(certificates) {
  if (!certificates.length) return el("p", { class: "muted" }, t("no_certs"));
  const head = el("tr", {}, ...["slot", "subject", "expires", "days_left"].map((k) => el("th", {}, t(k))));
  const rows = certificates.map((c) => el("tr", { class: "cert", "data-slot": c.slot },
    el("td", {}, `${c.slot} ${c.label || ""}`), el("td", {}, c.subject),
    el("td", {}, c.not_after.slice(0, 10)),
    el("td", { class: `days state-${c.state}` }, `${t("days")(c.days_left)} (${t("state")[c.state] || c.state})`)));
  return el("table", {}, el("thead", {}, head), el("tbody", {}, ...rows));
}

function tokenCard(status) {
  const token = status.token;
  const locked = status.pin && status.pin.state === "blocked";
  const box = el("article", { class: locked ? "card locked" : "card", "data-token": token.id },
    el("h2", {}, `${t("card")} ${token.serial || token.id}`),
    el("p", { class: "muted" }, `${t("serial")}: `, el("span", { class: "serial" }, token.serial || token.id), ` · ${token.reader || ""}`));
  if (status.error) {
    box.append(el("p", { class: "state-expired" }, `${t("error")} ${status.error.message || ""}`));
    return box;
  }
  box.append(pinLine(status.pin), el("h3", {}, t("certificates")), certTable(status.certificates || []));
  return box;
}

function guidanceBlock(guidance) {
  if (!guidance) return el("div");
  const block = el("div");
  for (const kind of ["unlock", "renew", "replace"]) {
    const items = ((guidance.bring || {})[kind] || {})[lang] || [];
    if (items.length) block.append(el("p", {}, t("bring")[kind]), el("ul", {}, ...items.map((i) => el("li", {}, i))));
  }
  for (const site of guidance.sites || []) {
    block.append(el("p", { class: "site" }, el("strong", {}, site.name[lang]), el("br"), site.address[lang],
      site.phone ? ` · ${t("phone")}: ${site.phone}` : ""));
  }
  if (guidance.contact) block.append(el("p", {}, guidance.contact[lang]));
  return block;
}

function render() {
  document.documentElement.lang = lang === "zh" ? "zh-CN" : "en";
  for (const node of document.querySelectorAll("[data-text]")) node.textContent = t(node.dataset.text);
  document.getElementById("lang").textContent = t("lang");
  setConnection(document.getElementById("connection").dataset.state);
  const readers = document.getElementById("readers");
  readers.replaceChildren(...state.readers.map((r) =>
    el("li", { class: "reader" }, `${r.name} — ${r.card_present ? t("card_in") : t("no_card")}`)));
  document.getElementById("no-readers").hidden = state.readers.length > 0;
  document.getElementById("tokens").replaceChildren(...state.statuses.map(tokenCard));
  document.getElementById("guidance").replaceChildren(guidanceBlock(state.guidance));
  document.body.dataset.rendered = String(Number(document.body.dataset.rendered || 0) + 1);
}

document.getElementById("lang").addEventListener("click", () => { lang = lang === "zh" ? "en" : "zh"; render(); });
render();
connect();
