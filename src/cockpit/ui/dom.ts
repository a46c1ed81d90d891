/** A few DOM helpers: elements are built with textContent, never innerHTML, so data is never markup. */

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Array<Child | Child[]>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, '').toLowerCase(), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(el: Element, children: Array<Child | Child[]>): void {
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
  }
}

export function replaceChildren(el: Element, ...children: Array<Child | Child[]>): void {
  el.replaceChildren();
  append(el, children);
}

const SVG_NS = 'http://www.w3.org/2000/svg';

export function svg(tag: string, attrs: Record<string, string | number> = {}, ...children: Array<Node | string>): SVGElement {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  for (const child of children) el.append(typeof child === 'string' ? document.createTextNode(child) : child);
  return el;
}

export function formatTime(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/**
 * A whole id with a copy button: time-ordered ids share their first characters, so a prefix
 * names nothing. With `href` the id is the link.
 */
export function copyableId(id: string, href?: string): HTMLElement {
  const text = href ? h('a', { href, class: 'id' }, id) : h('code', { class: 'id' }, id);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(id);
    } catch {
      // no clipboard (a page served over plain HTTP to another host): select it for Ctrl+C
      getSelection()?.selectAllChildren(text);
    }
  };
  return h('span', { class: 'id-cell' }, text, h('button', { type: 'button', class: 'copy-id', title: 'Copy the id', 'aria-label': `Copy ${id}`, onclick: () => void copy() }, '⧉'));
}

/** "firstResult–last of total" with previous / next buttons; `go` gets the new firstResult. */
export function pager(total: number, firstResult: number, maxResults: number, go: (first: number) => void, label: string): HTMLElement {
  const last = Math.min(total, firstResult + maxResults);
  return h('div', { class: 'pager', role: 'navigation', 'aria-label': `${label} pages` },
    h('button', { type: 'button', disabled: firstResult === 0, onclick: () => go(Math.max(0, firstResult - maxResults)) }, '‹ Previous'),
    h('span', {}, total === 0 ? 'none' : `${firstResult + 1}–${last} of ${total}`),
    h('button', { type: 'button', disabled: last >= total, onclick: () => go(firstResult + maxResults) }, 'Next ›'));
}

export function badge(text: string | number, kind: 'ok' | 'warn' | 'bad' | 'info' | 'muted' = 'info', title?: string): HTMLElement {
  return h('span', { class: `badge badge-${kind}`, title }, String(text));
}

/** Shows a short message in the status line at the top. */
export function notify(message: string, kind: 'ok' | 'bad' = 'ok'): void {
  const box = document.getElementById('notice');
  if (!box) return;
  box.className = `notice notice-${kind}`;
  box.textContent = message;
  window.setTimeout(() => {
    if (box.textContent === message) {
      box.textContent = '';
      box.className = '';
    }
  }, 6000);
}

export function pretty(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (v instanceof Date ? v.toISOString() : v), 2) ?? 'null';
}
