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

const escapeText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

const marked = new Marked({
  gfm: true,
  breaks: true,
  walkTokens(token: Token) {
    if (token.type === 'link' || token.type === 'image') token.href = safeUrl(token.href);
  },
  renderer: {
    html: ({ text }) => escapeText(text),
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
  components?: unknown;
  [key: string]: unknown;
}

/**
 * The schema with every `html` view turned into a `text` view of the same content, which then
 * shows its markup as literal text instead of running it (form-js feeds `html` views to the page
 * as HTML after its own DOMPurify pass). Nothing is dropped: the content stays visible.
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
    return copy;
  };
  return walk(schema) as T;
}
