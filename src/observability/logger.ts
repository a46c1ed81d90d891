import { pino, type Logger, type LevelWithSilent } from 'pino';
import pinoPretty from 'pino-pretty';

export const LOG_FORMATS = ['json', 'pretty'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

export const LOG_LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export class LogConfigError extends Error {}

export interface LoggerOptions {
  /** default info */
  level?: string;
  /** default: pretty when standard output is a terminal, json otherwise (log collectors) */
  format?: string;
  /** where pretty output goes when not a terminal check is wanted (tests) */
  isTTY?: boolean;
  destination?: NodeJS.WritableStream;
}

export function parseLogLevel(value: string | undefined): LevelWithSilent {
  const level = (value ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new LogConfigError(`Unknown log level '${value}' (one of ${LOG_LEVELS.join(', ')})`);
  return level as LevelWithSilent;
}

export function parseLogFormat(value: string | undefined, isTTY: boolean): LogFormat {
  if (value === undefined || value === '') return isTTY ? 'pretty' : 'json';
  if (!(LOG_FORMATS as readonly string[]).includes(value)) throw new LogConfigError(`Unknown log format '${value}' (json or pretty)`);
  return value as LogFormat;
}

/**
 * The server's logger: pino JSON lines for log collectors, or pino-pretty's one readable line per
 * event (in this thread, not a worker) for a person at a terminal.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  const destination = options.destination ?? process.stdout;
  const isTTY = options.isTTY ?? Boolean((destination as { isTTY?: boolean }).isTTY);
  const level = parseLogLevel(options.level);
  switch (parseLogFormat(options.format, isTTY)) {
    case 'json':
      return options.destination ? pino({ level }, destination) : pino({ level });
    case 'pretty':
      return pino({ level }, pinoPretty({ colorize: isTTY, destination, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' }));
  }
}
