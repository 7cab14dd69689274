/**
 * What the service writes about a request in logs and spans never carries personal data or credentials. URLs keep
 * their path and the names of their query parameters; the values are kept only for the parameters known to hold
 * none (status, sort, limit, the creation-date range): `email`, `document`, `q`, the cursor (it holds the last row's
 * sort key, a name for sort=name) and anything unknown become `***`. Log records are redacted by path (pino's
 * `redact`): credentials in headers, and the personal fields wherever an object carrying them is logged.
 */

/** Query parameters whose values describe no person. */
const HARMLESS_QUERY_PARAMETERS = new Set(['status', 'sort', 'limit', 'createdFrom', 'createdTo']);

export const REDACTED = '[redacted]';

/** `/v1/customers?email=a@b.c&limit=5` → `/v1/customers?email=***&limit=5`. */
export function maskUrl(url: string): string {
  const start = url.indexOf('?');
  if (start < 0) return url;
  return `${url.slice(0, start)}?${maskQuery(url.slice(start + 1))}`;
}

/** The query string without its `?`, masked as `maskUrl` does. */
export function maskQuery(query: string): string {
  return query
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return eq < 0 || HARMLESS_QUERY_PARAMETERS.has(name) ? pair : `${name}=***`;
    })
    .join('&');
}

/** Quoted literals in a driver's error message (`Duplicate entry 'ana@…'`) may be the personal values themselves. */
export function maskQuotedLiterals(text: string): string {
  return text
    .replace(/'[^'\n]{1,500}'/g, "'***'")
    .replace(/"[^"\n]{1,500}"/g, (quoted) => (/^"[\w.$-]+"$/.test(quoted) ? quoted : '"***"'));
}

const PERSONAL_FIELDS = ['name', 'email', 'phone', 'document', 'birthDate', 'addresses', 'street', 'postalCode'];

/** pino `redact` paths: credentials in request and response headers, personal fields up to three levels deep. */
export const LOG_REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'req.headers["proxy-authorization"]',
  'res.headers["set-cookie"]',
  'req.query',
  'req.body',
  ...PERSONAL_FIELDS.flatMap((field) => [field, `*.${field}`, `*.*.${field}`]),
];
