import { describe, expect, it } from "vitest";
import { authApi, normaliseBundles } from "./auth";
import { ApiError, createApiClient } from "./client";
import { contactsApi } from "./contacts";
import { messagesApi, nextCursor } from "./messages";

function recorder(answer: (url: string, init: RequestInit) => Response) {
  const calls: { url: string; method: string; body: unknown }[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = String(input);
    calls.push({ url, method: init?.method ?? "GET", body: init?.body ? JSON.parse(String(init.body)) : undefined });
    return answer(url, init ?? {});
  }) as typeof globalThis.fetch;
  return { calls, client: createApiClient({ fetch }) };
}

const ok = (body: unknown, status = 200) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });

describe("auth api", () => {
  it("sends the documented paths and bodies", async () => {
    const { calls, client } = recorder(() => ok({}));
    const a = authApi(client);
    await a.requestCode("+15550001111");
    await a.verify("+15550001111", "123456", "Chromium on Linux");
    await a.verifyPin("000111");
    await a.updateMe({ name: "Ann" });
    await a.removeDevice(3);
    await a.removePin("123456");
    await a.keyCount();
    await a.bundles("u-1");
    await a.bundles("u-1", 2);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      "POST /api/auth/otp",
      "POST /api/auth/verify",
      "POST /api/auth/pin/verify",
      "PATCH /api/auth/me",
      "DELETE /api/auth/devices/3",
      "DELETE /api/auth/pin",
      "GET /api/auth/keys/count",
      "GET /api/auth/keys/u-1/*",
      "GET /api/auth/keys/u-1/2",
    ]);
    expect(calls[1]!.body).toEqual({ phone: "+15550001111", code: "123456", device_name: "Chromium on Linux" });
    expect(calls[5]!.body).toEqual({ pin: "123456" });
  });

  it("surfaces server error codes with Retry-After", async () => {
    const { client } = recorder(
      () =>
        new Response(JSON.stringify({ error: { code: "rate_limited", message: "wait" } }), {
          status: 429,
          headers: { "Retry-After": "27" },
        }),
    );
    const e = await authApi(client)
      .requestCode("+15550001111")
      .catch((x: unknown) => x);
    expect(e).toBeInstanceOf(ApiError);
    expect((e as ApiError).code).toBe("rate_limited");
    expect((e as ApiError).retryAfter).toBe(27);
  });

  it("normalises bundle spellings", () => {
    const spk = { id: 1, pub: "p", sig: "s" };
    const b = normaliseBundles("u", {
      devices: [
        { deviceId: 2, ikSig: "a", ikDh: "b", ikDhSig: "c", signedPreKey: spk, preKey: { id: 9, pub: "o" } },
        { id: 3, ikSig: "a", ikDh: "b", ikDhSig: "c", signedPreKey: spk },
      ],
    });
    expect(b.user).toBe("u");
    expect(b.devices.map((d) => [d.id, d.oneTimePreKey?.id ?? null])).toEqual([
      [2, 9],
      [3, null],
    ]);
    expect(normaliseBundles("u", { id: 1, ikSig: "a", ikDh: "b", ikDhSig: "c", signedPreKey: spk }).devices).toHaveLength(1);
    expect(normaliseBundles("u", null).devices).toEqual([]);
  });
});

describe("contacts api", () => {
  it("sends a vCard as the raw body", async () => {
    let seen: RequestInit | undefined;
    const fetch = (async (_: RequestInfo | URL, init?: RequestInit) => {
      seen = init;
      return ok({ cards: 1 });
    }) as typeof globalThis.fetch;
    await contactsApi(createApiClient({ fetch })).importVcard("BEGIN:VCARD\r\nEND:VCARD");
    expect(seen?.body).toBe("BEGIN:VCARD\r\nEND:VCARD");
    expect((seen?.headers as Record<string, string>)["Content-Type"]).toBe("text/vcard");
  });
});

describe("messages api", () => {
  it("builds inbox queries and send bodies", async () => {
    const { calls, client } = recorder((url) =>
      url.includes("/chats") ? ok({ chat_id: "c9", kind: "direct", members: [{ user: "u1" }, { user: "u2" }], created: true }, 201) : ok({ envelopes: [], more: false }),
    );
    const m = messagesApi(client);
    const chat = await m.openChat("u2");
    expect(chat.id).toBe("c9");
    expect(chat.members).toEqual(["u1", "u2"]);
    await m.inbox();
    await m.inbox(42, 50);
    await m.send("c9", "m1", [{ to_user: "u2", to_device: 1, type: "prekey", body: "x" }]);
    await m.typing("c9", "composing");
    await m.read("c9", ["m1"]);
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      "POST /api/messages/chats",
      "GET /api/messages/inbox?limit=100",
      "GET /api/messages/inbox?after=42&limit=50",
      "POST /api/messages/send",
      "POST /api/messages/typing",
      "POST /api/messages/read",
    ]);
    expect(calls[3]!.body).toEqual({
      chat_id: "c9",
      id: "m1",
      envelopes: [{ to_user: "u2", to_device: 1, type: "prekey", body: "x" }],
    });
  });

  it("nextCursor prefers the server's cursor, then the last seq or id", () => {
    const e = { id: "x", chat_id: "c", from: { user: "u", device: 1 }, type: "msg", body: "" };
    expect(nextCursor({ envelopes: [], more: true, cursor: "k" }, undefined)).toBe("k");
    expect(nextCursor({ envelopes: [{ ...e, seq: 7 }], more: true }, undefined)).toBe(7);
    expect(nextCursor({ envelopes: [e], more: true }, undefined)).toBe("x");
    expect(nextCursor({ envelopes: [], more: false }, 3)).toBe(3);
  });
});
