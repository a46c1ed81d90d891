/** Query parameters whose values may be secrets or personal data: never written to a log. */
const SECRET_PARAM = /pass|pwd|secret|token|auth|credential|session|cookie|signature|^sig$|api[-_.]?key|^key$|private|jwt|^code$|variables$/i;

/**
 * A request URL fit for a log: the path as it is, query parameters whose names may carry secrets
 * (`?access_token=`, `?password=`, `?apiKey=`, Camunda's `variables=name_eq_value` filters) with
 * their values replaced by `[redacted]`. A query that cannot be parsed is dropped as a whole.
 */
export function redactUrl(url: string): string {
  const q = url.indexOf('?');
  if (q === -1) return url;
  const path = url.slice(0, q);
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(url.slice(q + 1));
  } catch {
    return `${path}?[redacted]`;
  }
  const parts: string[] = [];
  for (const [name, value] of params) {
    const shown = SECRET_PARAM.test(name) ? '[redacted]' : encodeURIComponent(value);
    parts.push(`${encodeURIComponent(name)}=${shown}`);
  }
  return `${path}?${parts.join('&')}`;
}
