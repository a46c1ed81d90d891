/**
 * `mlc lint`: the engine's own compiler (exactly what a deploy runs: its errors are the reasons a
 * deploy is refused) plus bpmnlint with Camunda's rules, as Camunda Modeler lints: the
 * recommended rules and `bpmnlint-plugin-camunda-compat` for the diagram's execution platform
 * and version. bpmnlint findings are warnings unless `strict`, so `mlc lint` fails exactly when
 * `mlc deploy` would.
 */
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { BpmnModdle } from 'bpmn-moddle';
import { compileBpmn } from '../bpmn/index.js';

const require = createRequire(import.meta.url);

export interface LintFinding {
  file: string;
  line: number;
  column: number;
  severity: 'error' | 'warning';
  message: string;
  elementId?: string;
  /** `mlc` for the engine's compiler, else the bpmnlint rule */
  source: string;
}

export interface LintOptions {
  /** bpmnlint errors count as errors too (Modeler's strictness, stricter than deploy) */
  strict?: boolean;
  /** a bpmnlint configuration (`.bpmnlintrc` contents) instead of the platform's default */
  config?: BpmnlintConfig;
}

export interface BpmnlintConfig {
  extends?: string | string[];
  rules?: Record<string, unknown>;
}

interface BpmnlintReport {
  id?: string;
  message: string;
  category: 'error' | 'warn' | 'info' | 'rule-error';
}

interface BpmnlintLinter {
  lint(root: unknown): Promise<Record<string, BpmnlintReport[]>>;
}

const CAMUNDA_7_CONFIGS = ['7-19', '7-20', '7-21', '7-22', '7-23', '7-24'];
const CAMUNDA_8_CONFIGS = ['8-0', '8-1', '8-2', '8-3', '8-4', '8-5', '8-6', '8-7', '8-8', '8-9', '8-10'];

/**
 * The camunda-compat configuration Camunda Modeler would pick: from `modeler:executionPlatform`
 * and `modeler:executionPlatformVersion`, else Camunda 8.8 for a diagram with `zeebe:`
 * extensions and Camunda 7.23 (the version our REST API reports) otherwise. A version outside
 * the plugin's range takes the nearest one.
 */
export function platformConfig(xml: string): string {
  const platform = /\bexecutionPlatform="([^"]*)"/.exec(xml)?.[1];
  const version = /\bexecutionPlatformVersion="(\d+)\.(\d+)/.exec(xml);
  const cloud = platform === undefined ? /xmlns:zeebe=/.test(xml) : /cloud/i.test(platform);
  const known = cloud ? CAMUNDA_8_CONFIGS : CAMUNDA_7_CONFIGS;
  const fallback = cloud ? '8-8' : '7-23';
  let chosen = fallback;
  if (version) {
    const wanted = Number(version[1]) * 1000 + Number(version[2]);
    const value = (c: string) => Number(c.split('-')[0]) * 1000 + Number(c.split('-')[1]);
    chosen = known.reduce((best, c) => (Math.abs(value(c) - wanted) < Math.abs(value(best) - wanted) ? c : best), known[0]!);
  }
  return `plugin:camunda-compat/camunda-${cloud ? 'cloud' : 'platform'}-${chosen}`;
}

let moddle: BpmnModdle | undefined;
function bpmnModdle(): BpmnModdle {
  if (moddle) return moddle;
  const camunda = require('camunda-bpmn-moddle/resources/camunda.json') as { types: Array<{ name: string }> };
  const zeebe = require('zeebe-bpmn-moddle/resources/zeebe.json') as { types: Array<{ name: string }> };
  // both define the element-template attributes on the same types, which moddle refuses to merge
  const zeebeWithoutTemplates = { ...zeebe, types: zeebe.types.filter((t) => t.name !== 'TemplateSupported' && t.name !== 'TemplatedRootElement') };
  moddle = new BpmnModdle({ camunda, zeebe: zeebeWithoutTemplates });
  return moddle;
}

function linterFor(config: BpmnlintConfig): BpmnlintLinter {
  const { Linter } = require('bpmnlint') as { Linter: new (options: unknown) => BpmnlintLinter };
  const NodeResolver = require('bpmnlint/lib/resolver/node-resolver') as new (options: unknown) => unknown;
  // resolve rules and plugins from this package, not from the caller's working directory
  return new Linter({ config, resolver: new NodeResolver({ require }) });
}

/** Line and column of `id="…"` in the XML (bpmnlint reports element ids, not positions). */
function positionOf(xml: string, id: string | undefined): { line: number; column: number } {
  if (!id) return { line: 0, column: 0 };
  const at = xml.indexOf(`id="${id}"`);
  if (at === -1) return { line: 0, column: 0 };
  const before = xml.slice(0, at);
  const line = before.split('\n').length;
  return { line, column: at - before.lastIndexOf('\n') };
}

/** Lints one document; the compiler's problems first, then bpmnlint's. */
export async function lintXml(file: string, xml: string, options: LintOptions = {}): Promise<LintFinding[]> {
  const findings: LintFinding[] = [];
  const result = await compileBpmn(xml);
  for (const p of result.errors) findings.push({ file, line: p.line ?? 0, column: p.column ?? 0, severity: 'error', message: p.message, elementId: p.elementId, source: 'mlc' });
  for (const p of result.warnings) findings.push({ file, line: p.line ?? 0, column: p.column ?? 0, severity: 'warning', message: p.message, elementId: p.elementId, source: 'mlc' });
  let root: unknown;
  try {
    // the compiler has refused DOCTYPE/ENTITY already; never hand such a document to a second parser
    if (/<!DOCTYPE|<!ENTITY/i.test(xml)) return findings;
    root = (await bpmnModdle().fromXML(xml)).rootElement;
  } catch {
    return findings; // unreadable XML: the compiler has said why, with the position
  }
  const config = options.config ?? { extends: ['bpmnlint:recommended', platformConfig(xml)] };
  const reports = await linterFor(config).lint(root);
  for (const [rule, list] of Object.entries(reports)) {
    for (const report of list) {
      if (report.category === 'info') continue;
      const severity = report.category === 'error' && options.strict ? 'error' : 'warning';
      findings.push({ file, ...positionOf(xml, report.id), severity, message: report.message, elementId: report.id, source: rule });
    }
  }
  return findings;
}

/** Lints files; prints one line per finding like a compiler; returns the number of errors. */
export async function lint(files: string[], out: (line: string) => void = console.log, options: LintOptions = {}): Promise<number> {
  let errors = 0;
  for (const file of files) {
    let xml: string;
    try {
      xml = await readFile(file, 'utf8');
    } catch (error) {
      out(`${file}:0:0: error cannot read file: ${(error as Error).message}`);
      errors++;
      continue;
    }
    for (const f of await lintXml(file, xml, options)) {
      const tags = [f.elementId, f.source === 'mlc' ? undefined : f.source].filter(Boolean).join(' ');
      out(`${f.file}:${f.line}:${f.column}: ${f.severity} ${f.message}${tags ? ` [${tags}]` : ''}`);
      if (f.severity === 'error') errors++;
    }
  }
  out(errors === 0 ? `${files.length} file(s) checked, no errors` : `${errors} error(s) in ${files.length} file(s)`);
  return errors;
}
