/*
 * The push channel: one WebSocket to wss://<origin>/ws per tab.
 *
 * Nothing may be lost between a socket dropping and the next one opening, so
 * on every (re)connect the client first drains this device's queue over REST
 * (GET /api/messages/inbox until more=false), hands each envelope once to the
 * envelope handler, acks what the handler processed, and only then reports
 * "connected". Envelopes pushed over the socket while draining wait for the
 * drain to finish; every envelope id is handed over at most once per tab
 * (the store de-duplicates across reloads). Reconnects back off
 * exponentially with full jitter.
 *
 * The socket is push-only (docs/api/openapi.yaml): the client never writes to it.
 */
import { ApiError } from "../api/client";
import { nextCursor, type InEnvelope, type InboxPage } from "../api/messages";

export type WsStatus = "idle" | "connecting" | "syncing" | "connected" | "offline" | "replaced" | "logged_out";

/** Any JSON event the server pushes; `type` names it ("delivered", "read", "typing", …). */
export interface WsEvent {
  type: string;
  [k: string]: unknown;
}

/** Returns true (or nothing) when the envelope was processed and may be acked. */
export type EnvelopeHandler = (env: InEnvelope) => Promise<boolean | void> | boolean | void;

/** What the client needs of lib/api: paging the inbox and acking. */
export interface InboxApi {
  inbox(after?: string | number, limit?: number): Promise<InboxPage>;
  ack(ids: string[]): Promise<unknown>;
}

export interface SocketLike {
  onopen: ((ev: unknown) => void) | null;
  onclose: ((ev: { code: number; reason?: string }) => void) | null;
  onerror: ((ev: unknown) => void) | null;
  onmessage: ((ev: { data: unknown }) => void) | null;
  close(code?: number, reason?: string): void;
  readonly readyState: number;
}

export interface WsClientOptions {
  api: InboxApi;
  onEnvelope: EnvelopeHandler;
  /** Defaults to wss://<location.host>/ws (ws:// on http). */
  url?: string;
  /** Injected for tests. */
  createSocket?: (url: string) => SocketLike;
  random?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
  /** First retry delay cap in ms (doubles per failure up to maxDelay). */
  baseDelay?: number;
  maxDelay?: number;
  pageSize?: number;
  /** How many envelope ids to remember for de-duplication. */
  seenLimit?: number;
}

type Listener<T> = (v: T) => void;

export interface WsClient {
  start(): void;
  stop(): void;
  readonly status: WsStatus;
  onStatus(fn: Listener<WsStatus>): () => void;
  /** Subscribe to one event type, or "*" for all. */
  on(type: string, fn: Listener<WsEvent>): () => void;
  /** Drain the queue now (e.g. after the tab becomes visible). */
  resync(): Promise<void>;
  /** Skip the backoff wait and reconnect now (e.g. on the browser's "online"). */
  reconnectNow(): void;
}

/** Close codes after which reconnecting is pointless. */
export const CLOSE_REPLACED = 4409;
export const CLOSE_UNAUTHORIZED = 4401;

export function backoffDelay(attempt: number, base: number, max: number, random: () => number): number {
  const cap = Math.min(max, base * 2 ** Math.min(attempt, 30));
  // Full jitter (AWS architecture blog): uniform in [cap/4, cap) so a retry is never instant.
  return Math.round(cap / 4 + random() * (cap * 3) / 4);
}

function defaultUrl(): string {
  const loc = globalThis.location;
  const proto = loc?.protocol === "http:" ? "ws:" : "wss:";
  return `${proto}//${loc?.host ?? "localhost"}/ws`;
}

/** The envelope inside a pushed "envelope" event (nested or flat). */
export function envelopeOf(ev: WsEvent): InEnvelope | null {
  const inner = (ev.envelope ?? ev.data ?? ev) as Partial<InEnvelope>;
  if (typeof inner.id !== "string" || typeof inner.body !== "string") return null;
  return inner as InEnvelope;
}

export function createWsClient(opts: WsClientOptions): WsClient {
  const createSocket = opts.createSocket ?? ((u: string) => new WebSocket(u) as unknown as SocketLike);
  const random = opts.random ?? Math.random;
  const setTimer = opts.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = opts.clearTimer ?? ((t: unknown) => clearTimeout(t as ReturnType<typeof setTimeout>));
  const base = opts.baseDelay ?? 500;
  const max = opts.maxDelay ?? 30_000;
  const pageSize = opts.pageSize ?? 100;
  const seenLimit = opts.seenLimit ?? 10_000;

  let status: WsStatus = "idle";
  let sock: SocketLike | null = null;
  let running = false;
  let attempt = 0;
  let timer: unknown = null;
  let generation = 0;
  let draining: Promise<void> | null = null;
  let drainAgain = false;
  const pending: InEnvelope[] = [];
  const seen = new Set<string>();
  const statusListeners = new Set<Listener<WsStatus>>();
  const listeners = new Map<string, Set<Listener<WsEvent>>>();
  let ackQueue: string[] = [];
  let ackScheduled = false;

  function setStatus(s: WsStatus) {
    if (s === status) return;
    status = s;
    for (const fn of statusListeners) fn(s);
  }

  function emit(ev: WsEvent) {
    for (const key of [ev.type, "*"]) {
      const set = listeners.get(key);
      if (set) for (const fn of set) fn(ev);
    }
  }

  function remember(id: string) {
    seen.add(id);
    if (seen.size > seenLimit) {
      const first = seen.values().next().value;
      if (first !== undefined) seen.delete(first);
    }
  }

  /** Hands one envelope to the handler once; returns whether to ack it. */
  async function processNow(env: InEnvelope): Promise<boolean> {
    if (seen.has(env.id)) return true; // already handled: ack again, harmless
    let ok: boolean | void;
    try {
      ok = await opts.onEnvelope(env);
    } catch {
      return false; // not acked: it comes back on the next drain
    }
    if (ok === false) return false;
    remember(env.id);
    emit({ type: "envelope", envelope: env });
    return true;
  }

  // One envelope at a time, in arrival order: the handler advances ratchets.
  let chain: Promise<unknown> = Promise.resolve();
  function process(env: InEnvelope): Promise<boolean> {
    const p = chain.then(() => processNow(env));
    chain = p.catch(() => undefined);
    return p;
  }

  function scheduleAck(ids: string[]) {
    if (ids.length === 0) return;
    ackQueue.push(...ids);
    if (ackScheduled) return;
    ackScheduled = true;
    queueMicrotask(() => {
      ackScheduled = false;
      const batch = ackQueue;
      ackQueue = [];
      opts.api.ack(batch).catch(() => {
        // Unacked envelopes are redelivered and de-duplicated; nothing to do.
      });
    });
  }

  async function drainOnce(gen: number): Promise<void> {
    let cursor: string | number | undefined;
    for (;;) {
      const page = await opts.api.inbox(cursor, pageSize);
      if (gen !== generation) return;
      const acks: string[] = [];
      for (const env of page.envelopes ?? []) {
        if (await process(env)) acks.push(env.id);
        if (gen !== generation) return;
      }
      if (acks.length > 0) await opts.api.ack(acks).catch(() => undefined);
      const next = nextCursor(page, cursor);
      if (!page.more || next === cursor) break;
      cursor = next;
    }
  }

  /** Drains until nothing new arrived meanwhile, then flushes pushed envelopes. */
  function drain(gen: number): Promise<void> {
    if (draining) {
      drainAgain = true;
      return draining;
    }
    draining = (async () => {
      try {
        do {
          drainAgain = false;
          await drainOnce(gen);
        } while (drainAgain && gen === generation);
        while (pending.length > 0 && gen === generation) {
          const env = pending.shift()!;
          if (await process(env)) scheduleAck([env.id]);
        }
      } finally {
        draining = null;
      }
    })();
    return draining;
  }

  function scheduleReconnect() {
    if (!running) return;
    setStatus("offline");
    const delay = backoffDelay(attempt, base, max, random);
    attempt++;
    timer = setTimer(() => {
      timer = null;
      connect();
    }, delay);
  }

  function onMessage(gen: number, data: unknown) {
    if (gen !== generation || typeof data !== "string") return;
    let ev: WsEvent;
    try {
      ev = JSON.parse(data) as WsEvent;
    } catch {
      return;
    }
    if (typeof ev !== "object" || ev === null || typeof ev.type !== "string") return;
    if (ev.type === "envelope") {
      const env = envelopeOf(ev);
      if (!env) {
        void drain(gen).catch(() => undefined); // a bare notification: fetch it
        return;
      }
      if (status !== "connected" || draining) {
        pending.push(env);
        return;
      }
      void process(env).then((ok) => ok && scheduleAck([env.id]));
      return;
    }
    if (ev.type === "logged_out") {
      emit(ev);
      running = false;
      generation++;
      sock?.close(1000);
      sock = null;
      setStatus("logged_out");
      return;
    }
    emit(ev);
  }

  function connect() {
    if (!running) return;
    const gen = ++generation;
    setStatus("connecting");
    let s: SocketLike;
    try {
      s = createSocket(opts.url ?? defaultUrl());
    } catch {
      scheduleReconnect();
      return;
    }
    sock = s;
    s.onmessage = (ev) => onMessage(gen, ev.data);
    s.onerror = () => {
      /* onclose follows */
    };
    s.onclose = (ev) => {
      if (gen !== generation) return;
      sock = null;
      generation++;
      pending.length = 0;
      if (ev.code === CLOSE_REPLACED) {
        running = false;
        setStatus("replaced");
        return;
      }
      scheduleReconnect();
    };
    s.onopen = () => {
      if (gen !== generation) return;
      setStatus("syncing");
      drain(gen).then(
        () => {
          if (gen !== generation) return;
          attempt = 0;
          setStatus("connected");
          // Anything pushed between the drain's end and now.
          if (pending.length > 0) void drain(gen).catch(() => undefined);
        },
        (e: unknown) => {
          if (gen !== generation) return;
          if (e instanceof ApiError && e.status === 401) {
            running = false;
            generation++;
            s.close(1000);
            sock = null;
            setStatus("logged_out");
            return;
          }
          // The REST side failed: drop the socket and try the whole thing again.
          generation++;
          s.close(1000);
          sock = null;
          scheduleReconnect();
        },
      );
    };
  }

  return {
    start() {
      if (running) return;
      running = true;
      attempt = 0;
      connect();
    },
    stop() {
      running = false;
      generation++;
      if (timer !== null) clearTimer(timer);
      timer = null;
      sock?.close(1000);
      sock = null;
      pending.length = 0;
      setStatus("idle");
    },
    get status() {
      return status;
    },
    onStatus(fn) {
      statusListeners.add(fn);
      return () => statusListeners.delete(fn);
    },
    on(type, fn) {
      let set = listeners.get(type);
      if (!set) listeners.set(type, (set = new Set()));
      set.add(fn);
      return () => set.delete(fn);
    },
    resync() {
      if (status !== "connected") return Promise.resolve();
      return drain(generation);
    },
    reconnectNow() {
      if (!running || status === "connected" || status === "syncing") return;
      if (timer !== null) clearTimer(timer);
      timer = null;
      attempt = 0;
      if (status === "offline") connect();
    },
  };
}
