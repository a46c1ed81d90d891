#!/usr/bin/env node
// Copies the plain JavaScript modules under src/ (*.mjs: worker-thread entry points, which
// neither tsc nor vitest transform) into dist/ beside the compiled code that loads them.
import { cpSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'src');
const dist = join(root, 'dist');

for (const entry of readdirSync(src, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.mjs')) continue;
  // parentPath arrived in Node 20.12; `path` is its older name
  const from = join(entry.parentPath ?? entry.path, entry.name);
  cpSync(from, join(dist, from.slice(src.length + 1)));
}
