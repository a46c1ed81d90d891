/**
 * The parent's handle on one engine node of the `postgres` bench (bench/postgres-node.ts run as
 * its own OS process): sends commands, awaits its `@` reports with a time bound, and kills it
 * when the bench gives up on it.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { NodeArgs, NodeReport } from './postgres-node.js';

const NODE_SCRIPT = fileURLToPath(new URL('./postgres-node.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

type Kind = NodeReport['kind'];
type ReportOf<K extends Kind> = Extract<NodeReport, { kind: K }>;

export class NodeProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly received: NodeReport[] = [];
  private wakeUp: (() => void) | null = null;
  private exitCode: number | null = null;
  private output = '';

  constructor(readonly index: number, args: NodeArgs) {
    this.child = spawn(process.execPath, ['--import', 'tsx', NODE_SCRIPT, JSON.stringify(args)], {
      cwd: REPO_ROOT,
      env: { ...process.env, MLC_LOG_LEVEL: process.env.MLC_LOG_LEVEL ?? 'silent' },
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      if (line.startsWith('@')) this.received.push(JSON.parse(line.slice(1)) as NodeReport);
      else this.keep(line);
      this.wakeUp?.();
    });
    this.child.stderr.on('data', (chunk: Buffer) => this.keep(chunk.toString()));
    this.child.on('exit', (code, signal) => {
      this.exitCode = code ?? (signal ? 128 : 1);
      this.wakeUp?.();
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  send(command: 'warm' | 'go' | 'exit'): void {
    this.child.stdin.write(`${command}\n`);
  }

  /** The next report of `kind`; rejects on an error report, an exit or after `timeoutMs`. */
  async next<K extends Kind>(kind: K, timeoutMs: number): Promise<ReportOf<K>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const report = this.received.shift();
      if (report?.kind === 'error') throw new Error(`node ${this.index} failed: ${report.message}`);
      if (report?.kind === kind) return report as ReportOf<K>;
      if (report) continue;
      if (this.exitCode !== null) throw new Error(`node ${this.index} exited (${this.exitCode}) before '${kind}': ${this.output.slice(-2000)}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`node ${this.index} sent no '${kind}' within ${timeoutMs} ms: ${this.output.slice(-2000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wakeUp = () => {
          clearTimeout(timer);
          this.wakeUp = null;
          resolve();
        };
      });
    }
  }

  /** Resolves when the process has exited (bounded; killed after `timeoutMs`). */
  async exited(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.exitCode === null && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    if (this.exitCode === null) this.kill();
  }

  kill(): void {
    if (this.exitCode === null) this.child.kill('SIGKILL');
  }

  private keep(text: string): void {
    this.output = (this.output + text).slice(-8000);
  }
}
