/**
 * Bounds on what one GraphQL operation may ask for, checked before any resolver runs, for HTTP and
 * WebSocket alike. Each is a named maximum (STYLE.md: a bound on everything).
 */
export interface OperationLimits {
  /** Nested field levels: `{ a { b } }` is 2. */
  depthMax: number;
  /** Aliased fields, counted each time a fragment holding them is spread. */
  aliasesMax: number;
  /** Lexical tokens of the document, counted before parsing so a huge document costs little to refuse. */
  tokensMax: number;
  /** Estimated fields resolved: each field 1, a list field's selection multiplied by its page size. */
  costMax: number;
  /** Largest value of a `first` or `limit` argument. */
  pageSizeMax: number;
  /** Page size assumed for a list field without `first`/`limit`, or whose variable value is not known yet. */
  pageSizeDefault: number;
  /**
   * Leave `__schema` and `__type` out of depth and cost: the standard introspection query is 15 levels
   * deep. Introspection must therefore stay disabled in production, where these limits matter most.
   */
  ignoreIntrospection: boolean;
}

export const operationLimitsDefault: Readonly<OperationLimits> = Object.freeze({
  depthMax: 12,
  aliasesMax: 30,
  tokensMax: 3_000,
  costMax: 50_000,
  pageSizeMax: 500,
  pageSizeDefault: 50,
  ignoreIntrospection: true,
});

/**
 * Largest request body (HTTP) or message (WebSocket), in bytes. Large because importFxRates takes a
 * whole ECB history file, about 10 MB for every fixing since 1999; everything else is far smaller.
 */
export const bodyBytesMax = 16 * 1024 * 1024;

/** Arguments read as a page size. */
export const pageSizeArguments: readonly string[] = ['first', 'limit'];

export function resolveLimits(overrides: Partial<OperationLimits> = {}): OperationLimits {
  return { ...operationLimitsDefault, ...overrides };
}
