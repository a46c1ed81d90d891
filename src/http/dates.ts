/**
 * Camunda 7's REST date format, `yyyy-MM-dd'T'HH:mm:ss.SSSZ`: e.g. `2024-05-01T10:15:00.000+0000`.
 * We always answer in UTC; we accept that format with any offset, and plain ISO 8601 too.
 */
export function formatDate(ms: number | null | undefined): string | null {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return null;
  return new Date(ms).toISOString().replace(/Z$/, '+0000');
}

const CAMUNDA_OFFSET = /([+-])(\d\d)(\d\d)$/;
const ISO_DATE = /^\d{4}-\d\d-\d\d(T\d\d:\d\d(:\d\d(\.\d{1,9})?)?(Z|[+-]\d\d:?\d\d)?)?$/;

/** Milliseconds since the epoch, or null when `text` is not a date in one of the accepted formats. */
export function parseDate(text: string): number | null {
  if (typeof text !== 'string' || !ISO_DATE.test(text)) return null;
  const normalised = text.replace(CAMUNDA_OFFSET, '$1$2:$3');
  const ms = Date.parse(normalised);
  return Number.isNaN(ms) ? null : ms;
}
