import { describe, expect, it, vi } from "vitest";
import {
  ApiError,
  createApiClient,
  errorFromResponse,
  isErrorEnvelope,
  parseRetryAfter,
} from "./client";

function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "Content-Type": "application/json", ...headers },
  });
}

async function caught(p: Promise<unknown>): Promise<ApiError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ApiError);
    return e as ApiError;
  }
  throw new Error("expected the promise to reject");
}

describe("isErrorEnvelope", () => {
  it("accepts the server's envelope", () => {
    expect(isErrorEnvelope({ error: { code: "invalid_code", message: "wrong code" } })).toBe(true);
  });
  it.each([
    null,
    "error",
    {},
    { error: null },
    { error: "x" },
    { error: { code: "x" } },
    { error: { message: "x" } },
    { error: { code: "", message: "x" } },
    { error: { code: 42, message: "x" } },
  ])("rejects %j", (v) => {
    expect(isErrorEnvelope(v)).toBe(false);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2026-01-01T00:00:00Z");
  it("reads delta-seconds", () => expect(parseRetryAfter("120", now)).toBe(120));
  it("reads an HTTP date", () => expect(parseRetryAfter("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30));
  it("clamps a past date to 0", () => expect(parseRetryAfter("Wed, 31 Dec 2025 23:00:00 GMT", now)).toBe(0));
  it("ignores garbage and absence", () => {
    expect(parseRetryAfter("soon", now)).toBeUndefined();
    expect(parseRetryAfter("-5", now)).toBeUndefined();
    expect(parseRetryAfter(null, now)).toBeUndefined();
  });
});

describe("errorFromResponse", () => {
  it("uses the envelope's code and message", () => {
    const e = errorFromResponse(
      429,
      JSON.stringify({ error: { code: "rate_limited", message: "too many attempts" } }),
      new Headers({ "Retry-After": "60" }),
    );
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toBeInstanceOf(Error);
    expect(e.status).toBe(429);
    expect(e.code).toBe("rate_limited");
    expect(e.message).toBe("too many attempts");
    expect(e.retryAfter).toBe(60);
    expect(e.name).toBe("ApiError");
  });
  it("falls back to http_error for an HTML error page", () => {
    const e = errorFromResponse(502, "<html><body>Bad Gateway</body></html>", new Headers());
    expect(e.status).toBe(502);
    expect(e.code).toBe("http_error");
    expect(e.message).toBe("HTTP 502");
    expect(e.retryAfter).toBeUndefined();
  });
  it("falls back to http_error for JSON that is not the envelope", () => {
    const e = errorFromResponse(400, JSON.stringify({ message: "nope" }), new Headers());
    expect(e.code).toBe("http_error");
  });
  it("handles an empty body", () => {
    expect(errorFromResponse(404, "", new Headers()).code).toBe("http_error");
  });
});

describe("createApiClient", () => {
  it("returns parsed JSON on success and sends JSON bodies", async () => {
    const fetchMock = vi.fn<typeof fetch>(async () => jsonResponse(200, { id: 7 }));
    const client = createApiClient({ fetch: fetchMock, getToken: () => "tok" });
    const out = await client.post<{ id: number }>("/api/auth/register", { phone: "+15550001" });
    expect(out).toEqual({ id: 7 });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0]!;
    expect(url).toBe("/api/auth/register");
    expect(init?.method).toBe("POST");
    expect(init?.body).toBe('{"phone":"+15550001"}');
    expect(init?.credentials).toBe("same-origin");
    const headers = init?.headers as Record<string, string>;
    expect(headers["Content-Type"]).toBe("application/json");
    expect(headers["Authorization"]).toBe("Bearer tok");
  });

  it("sends no body, Content-Type or Authorization for a plain GET without token", async () => {
    const fetchMock = vi.fn<typeof fetch>(async () => jsonResponse(200, []));
    await createApiClient({ fetch: fetchMock, getToken: () => null }).get("/api/contacts");
    const init = fetchMock.mock.calls[0]![1]!;
    const headers = init.headers as Record<string, string>;
    expect(init.method).toBe("GET");
    expect(init.body).toBeUndefined();
    expect(headers["Content-Type"]).toBeUndefined();
    expect(headers["Authorization"]).toBeUndefined();
  });

  it("returns undefined for 204", async () => {
    const client = createApiClient({ fetch: async () => new Response(null, { status: 204 }) });
    await expect(client.del("/api/contacts/1")).resolves.toBeUndefined();
  });

  it("throws a typed ApiError from the envelope", async () => {
    const client = createApiClient({
      fetch: async () => jsonResponse(401, { error: { code: "unauthorized", message: "log in first" } }),
    });
    const e = await caught(client.get("/api/me"));
    expect([e.status, e.code, e.message]).toEqual([401, "unauthorized", "log in first"]);
  });

  it("maps a rejected fetch to code network", async () => {
    const client = createApiClient({
      fetch: async () => {
        throw new TypeError("Failed to fetch");
      },
    });
    const e = await caught(client.get("/api/me"));
    expect([e.status, e.code]).toEqual([0, "network"]);
  });

  it("maps an abort to code aborted", async () => {
    const ctl = new AbortController();
    const client = createApiClient({
      fetch: (_url, init) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener("abort", () =>
            reject(new DOMException("The operation was aborted.", "AbortError")),
          );
        }),
    });
    const p = client.get("/api/me", ctl.signal);
    ctl.abort();
    const e = await caught(p);
    expect(e.code).toBe("aborted");
  });

  it("rejects a 200 that is not JSON with bad_response", async () => {
    const client = createApiClient({ fetch: async () => new Response("<html>", { status: 200 }) });
    const e = await caught(client.get("/api/me"));
    expect([e.status, e.code]).toEqual([200, "bad_response"]);
  });

  it("refuses relative paths that would leave /api", async () => {
    const client = createApiClient({ fetch: async () => jsonResponse(200, {}) });
    await expect(client.get("api/me")).rejects.toThrow(TypeError);
  });
});
