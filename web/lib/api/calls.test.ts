import { describe, expect, it } from "vitest";
import { callsApi } from "./calls";
import { ApiError, createApiClient } from "./client";

function recorder(answer: () => Response) {
  const seen: { url: string; method: string; body: unknown }[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    seen.push({ url: String(input), method: init?.method ?? "GET", body: init?.body ? JSON.parse(String(init.body)) : undefined });
    return answer();
  }) as typeof globalThis.fetch;
  return { seen, client: createApiClient({ fetch }) };
}

describe("calls api", () => {
  it("sends the documented paths and bodies", async () => {
    const { seen, client } = recorder(() => new Response("{}", { status: 200 }));
    const c = callsApi(client);
    const id = "7c9e6679-7425-40de-944b-e07fc1f90ae7";
    await c.start("2b7e1516-28ae-4d2a-a6ab-f7158809cf4f", "video");
    await c.accept(id);
    await c.decline(id);
    await c.decline(id, "on_my_way");
    await c.hangup(id);
    await c.hangup(id, "failed");
    await c.signal(id, 3, "abc_-");
    await c.active();
    await c.log();
    await c.log("cursor/1", 20);
    await c.deleteLogEntry("e1");
    await c.clearLog();
    await c.turn();
    await c.settings();
    await c.setSettings({ relay_only: true });
    expect(seen.map((x) => `${x.method} ${x.url}`)).toEqual([
      "POST /api/calls/start",
      `POST /api/calls/${id}/accept`,
      `POST /api/calls/${id}/decline`,
      `POST /api/calls/${id}/decline`,
      `POST /api/calls/${id}/hangup`,
      `POST /api/calls/${id}/hangup`,
      `POST /api/calls/${id}/signal`,
      "GET /api/calls/active",
      "GET /api/calls/log?limit=50",
      "GET /api/calls/log?limit=20&before=cursor%2F1",
      "DELETE /api/calls/log/e1",
      "DELETE /api/calls/log",
      "GET /api/calls/turn",
      "GET /api/calls/settings",
      "PATCH /api/calls/settings",
    ]);
    expect(seen.map((x) => x.body)).toEqual([
      { peer_user: "2b7e1516-28ae-4d2a-a6ab-f7158809cf4f", media: "video" },
      {},
      {},
      { message: "on_my_way" },
      { reason: "hangup" },
      { reason: "failed" },
      { to_device: 3, blob: "abc_-" },
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
      { relay_only: true },
    ]);
  });

  it("busy comes back as its code, with the logged attempt's id", async () => {
    const { client } = recorder(
      () => new Response(JSON.stringify({ error: { code: "busy", message: "busy" }, call_id: "x" }), { status: 409 }),
    );
    const e = await callsApi(client)
      .start("u", "voice")
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe("busy");
    expect((e as ApiError).body?.call_id).toBe("x");
  });
});
