import { describe, expect, it, vi } from "vitest";
import { ApiError } from "../api/client";
import type { InEnvelope, InboxPage } from "../api/messages";
import { backoffDelay, createWsClient, envelopeOf, type SocketLike, type WsStatus } from "./client";

class FakeSocket implements SocketLike {
  onopen: SocketLike["onopen"] = null;
  onclose: SocketLike["onclose"] = null;
  onerror: SocketLike["onerror"] = null;
  onmessage: SocketLike["onmessage"] = null;
  readyState = 0;
  closed: number | undefined;
  constructor(readonly url: string) {}
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  push(obj: unknown) {
    this.onmessage?.({ data: JSON.stringify(obj) });
  }
  drop(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  close(code?: number) {
    this.closed = code ?? 1000;
    this.readyState = 3;
  }
}

function env(id: string, extra: Partial<InEnvelope> = {}): InEnvelope {
  return { id, chat_id: "c1", from: { user: "u2", device: 1 }, type: "msg", body: `b-${id}`, ...extra };
}

/** A fake inbox queue: pages of `limit`, acked ids removed, like the server. */
function fakeApi(initial: InEnvelope[] = []) {
  const queue = [...initial];
  const calls: { after?: string | number; limit?: number }[] = [];
  const acked: string[] = [];
  let fail: ApiError | null = null;
  let gate: Promise<void> | null = null;
  return {
    queue,
    calls,
    acked,
    failNext(e: ApiError) {
      fail = e;
    },
    hold() {
      let release!: () => void;
      gate = new Promise<void>((r) => (release = r));
      return () => {
        gate = null;
        release();
      };
    },
    async inbox(after?: string | number, limit = 100): Promise<InboxPage> {
      calls.push({ after, limit });
      if (gate) await gate;
      if (fail) {
        const e = fail;
        fail = null;
        throw e;
      }
      let start = 0;
      if (after !== undefined) start = queue.findIndex((e) => e.seq === after) + 1;
      const page = queue.slice(start, start + limit);
      return { envelopes: page, more: start + limit < queue.length };
    },
    async ack(ids: string[]) {
      acked.push(...ids);
      for (const id of ids) {
        const i = queue.findIndex((e) => e.id === id);
        if (i >= 0) queue.splice(i, 1);
      }
      return {};
    },
  };
}

const flush = async () => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
};

function setup(initial: InEnvelope[] = [], handler?: (e: InEnvelope) => boolean | void | Promise<boolean | void>) {
  const api = fakeApi(initial);
  const sockets: FakeSocket[] = [];
  const timers: { fn: () => void; ms: number }[] = [];
  const got: string[] = [];
  const statuses: WsStatus[] = [];
  const client = createWsClient({
    api,
    url: "wss://example.test/ws",
    createSocket: (u) => {
      const s = new FakeSocket(u);
      sockets.push(s);
      return s;
    },
    random: () => 0.5,
    setTimer: (fn, ms) => {
      timers.push({ fn, ms });
      return timers.length;
    },
    clearTimer: () => undefined,
    pageSize: 2,
    onEnvelope: handler ?? ((e) => void got.push(e.id)),
  });
  client.onStatus((s) => statuses.push(s));
  return { api, sockets, timers, got, statuses, client };
}

describe("backoffDelay", () => {
  it("grows exponentially with jitter and stays under the cap", () => {
    expect(backoffDelay(0, 500, 30_000, () => 0)).toBe(125);
    expect(backoffDelay(0, 500, 30_000, () => 0.999999)).toBeLessThanOrEqual(500);
    expect(backoffDelay(3, 500, 30_000, () => 0)).toBe(1000);
    for (let a = 0; a < 40; a++) {
      const d = backoffDelay(a, 500, 30_000, Math.random);
      expect(d).toBeGreaterThan(0);
      expect(d).toBeLessThanOrEqual(30_000);
    }
    expect(backoffDelay(20, 500, 30_000, () => 0)).toBe(7500);
  });
});

describe("envelopeOf", () => {
  it("reads nested and flat envelopes and rejects bare notifications", () => {
    expect(envelopeOf({ type: "envelope", envelope: env("a") })?.id).toBe("a");
    expect(envelopeOf({ type: "envelope", data: env("b") })?.id).toBe("b");
    expect(envelopeOf({ type: "envelope" })).toBeNull();
  });
});

describe("ws client", () => {
  it("drains the whole queue over REST before reporting connected, acking every page", async () => {
    const q = [1, 2, 3, 4, 5].map((n) => env(`e${n}`, { seq: n }));
    const { api, sockets, got, statuses, client } = setup(q);
    client.start();
    expect(sockets).toHaveLength(1);
    expect(sockets[0]!.url).toBe("wss://example.test/ws");
    expect(client.status).toBe("connecting");
    sockets[0]!.open();
    expect(client.status).toBe("syncing");
    await flush();
    expect(got).toEqual(["e1", "e2", "e3", "e4", "e5"]);
    expect(api.acked).toEqual(["e1", "e2", "e3", "e4", "e5"]);
    expect(api.queue).toHaveLength(0);
    expect(statuses).toEqual(["connecting", "syncing", "connected"]);
  });

  it("holds pushed envelopes until the drain is done, then de-duplicates them", async () => {
    const { api, sockets, got, client } = setup([env("a", { seq: 1 }), env("b", { seq: 2 })]);
    const release = api.hold();
    client.start();
    sockets[0]!.open();
    sockets[0]!.push({ type: "envelope", envelope: env("b", { seq: 2 }) });
    sockets[0]!.push({ type: "envelope", envelope: env("c", { seq: 3 }) });
    await flush();
    expect(got).toEqual([]);
    expect(client.status).toBe("syncing");
    release();
    await flush();
    expect(got).toEqual(["a", "b", "c"]);
    expect(client.status).toBe("connected");
    expect(new Set(api.acked)).toEqual(new Set(["a", "b", "c"]));
  });

  it("processes live pushes once and acks them in a batch", async () => {
    const { api, sockets, got, client } = setup();
    const events: string[] = [];
    client.on("envelope", (e) => events.push((e.envelope as InEnvelope).id));
    client.start();
    sockets[0]!.open();
    await flush();
    sockets[0]!.push({ type: "envelope", envelope: env("x") });
    sockets[0]!.push({ type: "envelope", envelope: env("x") });
    sockets[0]!.push({ type: "envelope", data: env("y") });
    await flush();
    expect(got).toEqual(["x", "y"]);
    expect(events).toEqual(["x", "y"]);
    expect(api.acked.filter((i) => i === "y")).toHaveLength(1);
    expect(api.acked).toContain("x");
  });

  it("does not ack an envelope the handler failed on; it comes back next drain", async () => {
    let fail = true;
    const got: string[] = [];
    const { api, sockets, client, timers } = setup([env("p", { seq: 1 }), env("q", { seq: 2 })], (e) => {
      if (e.id === "p" && fail) throw new Error("store busy");
      got.push(e.id);
    });
    client.start();
    sockets[0]!.open();
    await flush();
    expect(got).toEqual(["q"]);
    expect(api.acked).toEqual(["q"]);
    expect(api.queue.map((e) => e.id)).toEqual(["p"]);
    fail = false;
    sockets[0]!.drop();
    timers.shift()!.fn();
    sockets[1]!.open();
    await flush();
    expect(got).toEqual(["q", "p"]);
    expect(api.queue).toHaveLength(0);
  });

  it("routes other events to subscribers by type and to '*'", async () => {
    const { sockets, client } = setup();
    const typed: unknown[] = [];
    const all: string[] = [];
    client.on("typing", (e) => typed.push(e.state));
    client.on("*", (e) => all.push(e.type));
    client.start();
    sockets[0]!.open();
    await flush();
    sockets[0]!.push({ type: "hello", node: "ws" });
    sockets[0]!.push({ type: "typing", chat_id: "c1", state: "composing" });
    sockets[0]!.push({ type: "delivered", ids: ["m1"] });
    sockets[0]!.onmessage?.({ data: "not json" });
    sockets[0]!.onmessage?.({ data: JSON.stringify({ no: "type" }) });
    expect(typed).toEqual(["composing"]);
    expect(all).toEqual(["hello", "typing", "delivered"]);
  });

  it("reconnects with growing jittered delays and drains again on each connect", async () => {
    const { api, sockets, timers, statuses, client } = setup();
    client.start();
    sockets[0]!.drop();
    expect(client.status).toBe("offline");
    expect(timers).toHaveLength(1);
    timers[0]!.fn();
    sockets[1]!.drop();
    timers[1]!.fn();
    sockets[2]!.drop();
    expect(timers.map((t) => t.ms)).toEqual([313, 625, 1250]);
    timers[2]!.fn();
    api.queue.push(env("late", { seq: 9 }));
    sockets[3]!.open();
    await flush();
    expect(client.status).toBe("connected");
    expect(api.acked).toEqual(["late"]);
    // A successful connect resets the backoff.
    sockets[3]!.drop();
    expect(timers[3]!.ms).toBe(313);
    expect(statuses.filter((s) => s === "connected")).toHaveLength(1);
  });

  it("a failed drain drops the socket and retries; 401 stops as logged out", async () => {
    const { api, sockets, timers, client } = setup();
    api.failNext(new ApiError(503, "service_unavailable", "x", 1));
    client.start();
    sockets[0]!.open();
    await flush();
    expect(sockets[0]!.closed).toBe(1000);
    expect(client.status).toBe("offline");
    timers[0]!.fn();
    api.failNext(new ApiError(401, "unauthorized", "x"));
    sockets[1]!.open();
    await flush();
    expect(client.status).toBe("logged_out");
    expect(timers).toHaveLength(1);
  });

  it("stops on close 4409 (a newer socket took over) and on logged_out", async () => {
    const a = setup();
    a.client.start();
    a.sockets[0]!.open();
    await flush();
    a.sockets[0]!.drop(4409);
    expect(a.client.status).toBe("replaced");
    expect(a.timers).toHaveLength(0);

    const b = setup();
    const seen = vi.fn();
    b.client.on("logged_out", seen);
    b.client.start();
    b.sockets[0]!.open();
    await flush();
    b.sockets[0]!.push({ type: "logged_out" });
    expect(seen).toHaveBeenCalledOnce();
    expect(b.client.status).toBe("logged_out");
    expect(b.sockets[0]!.closed).toBe(1000);
    expect(b.timers).toHaveLength(0);
  });

  it("ignores events from a socket that was replaced by a reconnect", async () => {
    const { sockets, timers, got, client } = setup();
    client.start();
    sockets[0]!.open();
    await flush();
    const old = sockets[0]!;
    old.drop();
    timers[0]!.fn();
    old.push({ type: "envelope", envelope: env("ghost") });
    sockets[1]!.open();
    await flush();
    expect(got).toEqual([]);
  });

  it("a bare envelope notification triggers a drain", async () => {
    const { api, sockets, got, client } = setup();
    client.start();
    sockets[0]!.open();
    await flush();
    api.queue.push(env("n1", { seq: 1 }));
    sockets[0]!.push({ type: "envelope" });
    await flush();
    expect(got).toEqual(["n1"]);
  });

  it("stop closes the socket and cancels reconnects", async () => {
    const { sockets, client } = setup();
    client.start();
    sockets[0]!.open();
    await flush();
    client.stop();
    expect(sockets[0]!.closed).toBe(1000);
    expect(client.status).toBe("idle");
  });
});
