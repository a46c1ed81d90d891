/** Temporary database files under os.tmpdir(), removed with their WAL and SHM companions. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dirs = new Set<string>();
let root: string | null = null;

function benchRoot(): string {
  root ??= mkdtempSync(join(tmpdir(), 'mlc-bench-'));
  return root;
}

export function tempDb(name: string): string {
  const dir = mkdtempSync(join(benchRoot(), `${name}-`));
  dirs.add(dir);
  return join(dir, 'engine.sqlite');
}

export function removeDb(file: string): void {
  for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(file + suffix, { force: true });
}

/** Removes every temporary file of this run (called at exit, also on failure). */
export function cleanupAll(): void {
  if (root) rmSync(root, { recursive: true, force: true });
  dirs.clear();
  root = null;
}
