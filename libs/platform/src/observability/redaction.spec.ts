import { LOG_REDACT_PATHS, maskQuery, maskQuotedLiterals, maskUrl } from './redaction';

describe('maskUrl', () => {
  it('keeps the path and the parameter names, and only the values that describe no person', () => {
    expect(
      maskUrl('/v1/customers?email=ana%40example.com&document=52998224725&q=Ana&status=active&limit=5&sort=-name'),
    ).toBe('/v1/customers?email=***&document=***&q=***&status=active&limit=5&sort=-name');
  });

  it('masks the cursor and any parameter it does not know', () => {
    expect(maskUrl('/v1/customers?cursor=eyJuYW1lIjoiQW5hIn0&nick=ana')).toBe('/v1/customers?cursor=***&nick=***');
  });

  it('leaves a URL without a query alone', () => {
    expect(maskUrl('/v1/customers/42')).toBe('/v1/customers/42');
    expect(maskQuery('flag')).toBe('flag');
  });
});

describe('maskQuotedLiterals', () => {
  it('hides the values a driver quotes in its messages, not the names it mentions', () => {
    expect(maskQuotedLiterals("Duplicate entry 'ana@example.com' for key 'uq_customers_email'")).toBe(
      "Duplicate entry '***' for key '***'",
    );
    expect(maskQuotedLiterals('no such table: "customers" near "Ana Souza"')).toBe(
      'no such table: "customers" near "***"',
    );
  });
});

describe('LOG_REDACT_PATHS', () => {
  it('covers the credentials the issue names', () => {
    expect(LOG_REDACT_PATHS).toEqual(
      expect.arrayContaining([
        'req.headers.authorization',
        'req.headers.cookie',
        'req.headers["x-api-key"]',
        'res.headers["set-cookie"]',
      ]),
    );
  });
});
