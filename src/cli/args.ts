/** Command-line arguments: positionals and `--name value` / `--name=value` flags, checked against what a command accepts. */
export class UsageError extends Error {}

export interface FlagSpec {
  /** takes no value (`--strict`) */
  boolean?: boolean;
  /** its line in `--help` */
  help?: string;
}

export interface ParsedArgs {
  positional: string[];
  flags: Map<string, string>;
}

export function parseArgs(argv: readonly string[], accepted: Readonly<Record<string, FlagSpec>>): ParsedArgs {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      flags.set('help', 'true');
      continue;
    }
    if (arg === '--') {
      positional.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    const spec = name === 'help' ? { boolean: true } : accepted[name];
    if (!spec) throw new UsageError(`Unknown flag --${name}`);
    if (spec.boolean) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`);
      flags.set(name, 'true');
    } else if (eq !== -1) {
      flags.set(name, arg.slice(eq + 1));
    } else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      flags.set(name, value);
      i++;
    }
  }
  return { positional, flags };
}

/**
 * The REST base of a server from what a user types: the server root (`http://host:8080`),
 * `…/engine-rest` or `…/rest`, with or without a trailing slash.
 */
export function restBaseUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new UsageError(`--url must be an http(s) URL such as http://127.0.0.1:8080, got '${input}'`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`--url must be http or https, got '${url.protocol}'`);
  if (url.search || url.hash) throw new UsageError('--url must not carry a query or fragment');
  const path = url.pathname.replace(/\/+$/, '');
  const base = /\/(engine-rest|rest)$/.test(path) ? path : `${path}/engine-rest`;
  return `${url.origin}${base}`;
}
