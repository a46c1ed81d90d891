import { describe, it, expect } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

describe('the README example', () => {
  it('is exactly examples/quick-start.ts', () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const block = /## Embedding[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBe(readFileSync(join(root, 'examples', 'quick-start.ts'), 'utf8'));
  });

  it('runs as written and prints what its comments say', () => {
    const output = execFileSync(process.execPath, ['--import', 'tsx', join(root, 'examples', 'quick-start.ts')], { cwd: root, encoding: 'utf8' });
    expect(output.trim().split('\n')).toEqual(['fraud-v7 Deployed', 'fraud-v8 Rejected']);
  });
});
