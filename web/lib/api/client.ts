/*
 * The one place the web app talks HTTP to the Parley services.
 *
 * Every service answers errors with the same envelope, {"error":{"code","message"}}
 * (common/resp.c). This wrapper turns any non-2xx answer, a malformed body or a
 * network failure into an ApiError with a stable `code`, so callers switch on
 * codes and never on status text or thrown TypeErrors. Same-origin only: the
 * CSP allows connect-src 'self', so paths are relative ("/api/...").
 */

export interface ErrorEnvelope {
  error: { code: string; message: string };
}

/** Codes the client itself produces; everything else comes from the server. */
export type ClientErrorCode = "network" | "aborted" | "bad_response" | "http_error";

export class ApiError extends Error {
  override readonly name = "ApiError";
  /** HTTP status, or 0 when no response arrived (network failure, abort). */
  readonly status: number;
  /** Server's error code (e.g. "invalid_code", "rate_limited") or a ClientErrorCode. */
  readonly code: string;
  /** Seconds to wait before retrying, from a Retry-After header, when present. */
  readonly retryAfter: number | undefined;
  /** The whole parsed error body, for endpoints that add detail next to "error" (e.g. device lists). */
  readonly body: Record<string, unknown> | undefined;

  constructor(status: number, code: string, message: string, retryAfter?: number, body?: Record<string, unknown>) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfter = retryAfter;
    this.body = body;
  }
}

export function isErrorEnvelope(v: unknown): v is ErrorEnvelope {
  if (typeof v !== "object" || v === null || !("error" in v)) return false;
  const e = (v as { error: unknown }).error;
  return (
    typeof e === "object" &&
    e !== null &&
    typeof (e as { code?: unknown }).code === "string" &&
    (e as { code: string }).code.length > 0 &&
    typeof (e as { message?: unknown }).message === "string"
  );
}

/**
 * Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3).
 * Returns whole seconds ≥ 0, or undefined when absent or unparsable.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number.parseInt(v, 10);
  // An HTTP date always names the weekday and month; without letters Date.parse
  // would read "-5" as a year.
  if (!/[a-z]{3}/i.test(v)) return undefined;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, Math.ceil((t - now) / 1000));
}

/** Builds the ApiError for a non-2xx response from its status, raw body and headers. */
export function errorFromResponse(
  status: number,
  bodyText: string,
  headers: Pick<Headers, "get">,
  now: number = Date.now(),
): ApiError {
  const retryAfter = parseRetryAfter(headers.get("retry-after"), now);
  let parsed: unknown;
  try {
    parsed = bodyText === "" ? undefined : JSON.parse(bodyText);
  } catch {
    parsed = undefined;
  }
  if (isErrorEnvelope(parsed)) {
    return new ApiError(status, parsed.error.code, parsed.error.message, retryAfter, parsed as unknown as Record<string, unknown>);
  }
  // nginx's own error pages (502, 413, …) are HTML; keep the status, hide the body.
  return new ApiError(status, "http_error", `HTTP ${status}`, retryAfter);
}

export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface RequestOptions {
  method?: Method;
  /** Serialised as JSON. */
  body?: unknown;
  /** Sent as is with `contentType` instead of a JSON body (e.g. a .vcf file). */
  rawBody?: string;
  contentType?: string;
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export interface ApiClientOptions {
  /** Defaults to "" (same origin). */
  baseUrl?: string;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Bearer token source; when it returns null no Authorization header is sent. */
  getToken?: () => string | null;
}

export interface ApiClient {
  request<T>(path: string, opts?: RequestOptions): Promise<T>;
  get<T>(path: string, signal?: AbortSignal): Promise<T>;
  post<T>(path: string, body?: unknown, signal?: AbortSignal): Promise<T>;
  put<T>(path: string, body?: unknown, signal?: AbortSignal): Promise<T>;
  del<T>(path: string, signal?: AbortSignal): Promise<T>;
}

function isAbort(e: unknown): boolean {
  return typeof e === "object" && e !== null && (e as { name?: unknown }).name === "AbortError";
}

export function createApiClient(options: ApiClientOptions = {}): ApiClient {
  const baseUrl = options.baseUrl ?? "";
  const doFetch = options.fetch ?? ((input, init) => globalThis.fetch(input, init));

  async function request<T>(path: string, opts: RequestOptions = {}): Promise<T> {
    if (!path.startsWith("/")) throw new TypeError(`api path must start with "/": ${path}`);
    const headers: Record<string, string> = { Accept: "application/json", ...opts.headers };
    const init: RequestInit = {
      method: opts.method ?? "GET",
      headers,
      credentials: "same-origin",
      cache: "no-store",
    };
    if (opts.signal) init.signal = opts.signal;
    if (opts.rawBody !== undefined) {
      headers["Content-Type"] = opts.contentType ?? "text/plain";
      init.body = opts.rawBody;
    } else if (opts.body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(opts.body);
    }
    const token = options.getToken?.() ?? null;
    if (token !== null) headers["Authorization"] = `Bearer ${token}`;

    let res: Response;
    try {
      res = await doFetch(baseUrl + path, init);
    } catch (e) {
      if (isAbort(e)) throw new ApiError(0, "aborted", "request aborted");
      throw new ApiError(0, "network", "network error");
    }

    let text: string;
    try {
      text = await res.text();
    } catch (e) {
      if (isAbort(e)) throw new ApiError(0, "aborted", "request aborted");
      throw new ApiError(res.status, "network", "connection lost while reading the response");
    }
    if (!res.ok) throw errorFromResponse(res.status, text, res.headers);
    if (res.status === 204 || text === "") return undefined as T;
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ApiError(res.status, "bad_response", "response is not JSON");
    }
  }

  return {
    request,
    get: (path, signal) => request(path, signal ? { signal } : {}),
    post: (path, body, signal) => request(path, { method: "POST", body, ...(signal ? { signal } : {}) }),
    put: (path, body, signal) => request(path, { method: "PUT", body, ...(signal ? { signal } : {}) }),
    del: (path, signal) => request(path, { method: "DELETE", ...(signal ? { signal } : {}) }),
  };
}

/** The app's shared client (same origin). */
export const api: ApiClient = createApiClient();
