// autocannon ships no types; the load test uses its programmatic API only.
declare module 'autocannon' {
  export interface Context { [key: string]: unknown }
  export interface RawRequest {
    method?: string;
    path?: string;
    headers?: Record<string, string>;
    body?: string;
  }
  export interface RequestStep extends RawRequest {
    setupRequest?: (request: RawRequest, context: Context) => RawRequest | null | undefined;
    onResponse?: (status: number, body: string, context: Context, headers: Record<string, string>) => void;
  }
  export interface Options {
    url: string;
    connections?: number;
    duration?: number;
    amount?: number;
    timeout?: number;
    headers?: Record<string, string>;
    requests?: RequestStep[];
    title?: string;
  }
  export interface Histogram { min: number; max: number; average: number; p50: number; p90: number; p99: number; p99_9?: number; p97_5?: number; [key: string]: number | undefined }
  export interface Result {
    title?: string;
    latency: Histogram;
    requests: Histogram & { total: number };
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '1xx': number;
    '2xx': number;
    '3xx': number;
    '4xx': number;
    '5xx': number;
    statusCodeStats?: Record<string, { count: number }>;
  }
  export interface Instance extends Promise<Result> {
    stop(): void;
  }
  function autocannon(options: Options): Instance;
  export default autocannon;
}
