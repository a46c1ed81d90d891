import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve, dirname, sep } from 'node:path';

/**
 * The folders show the flow of data (README, Architecture): runtime/ builds on store/, bpmn/ and
 * expressions/; http/ and the cockpit build on runtime/, never the reverse; store/ knows nothing
 * of the runtime; the compiler knows nothing of running. Every import of every source file,
 * type-only ones included, is checked against these rules.
 */
const SRC = resolve(__dirname, '../../src');

const forbidden: Record<string, readonly string[]> = {
  store: ['runtime', 'http', 'cockpit', 'mlc', 'identity', 'observability'],
  bpmn: ['runtime', 'store', 'http', 'cockpit', 'mlc'],
  expressions: ['bpmn', 'runtime', 'store', 'http', 'dmn'],
  timers: ['bpmn', 'runtime', 'store', 'http'],
  dmn: ['runtime', 'store', 'http'],
  runtime: ['http', 'cockpit', 'mlc', 'identity', 'observability'],
};

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

function topFolder(path: string): string {
  return relative(SRC, path).split(sep)[0]!;
}

describe('folder dependencies', () => {
  it('no folder imports from a folder downstream of it', () => {
    const violations: string[] = [];
    for (const file of sources(SRC)) {
      const from = topFolder(file);
      const rules = forbidden[from];
      if (!rules) continue;
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:import|export)[^'"]*?from\s+'(\.[^']+)'/g)) {
        const to = topFolder(resolve(dirname(file), match[1]!));
        if (rules.includes(to)) violations.push(`${relative(SRC, file)} imports ${match[1]}`);
      }
    }
    expect(violations).toEqual([]);
  });
});

describe('reads of the REST API, the cockpit and the metrics', () => {
  /** the one exception: the Camunda 8 key table, an id mapping the v2 API writes (see Camunda8KeyStore) */
  const allowed = new Set(['http/camunda8/index.ts']);

  it('go through the read-only query interface, never the database handle', () => {
    const violations: string[] = [];
    for (const folder of ['http', 'cockpit', 'observability']) {
      for (const file of sources(join(SRC, folder))) {
        const name = relative(SRC, file).split(sep).join('/');
        if (allowed.has(name)) continue;
        const text = readFileSync(file, 'utf8');
        for (const match of text.matchAll(/\.db\b(?!\w)|better-sqlite3/g)) violations.push(`${name}: ${match[0]}`);
      }
    }
    expect(violations).toEqual([]);
  });
});
