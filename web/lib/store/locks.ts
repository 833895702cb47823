/*
 * One operation at a time per name, across tabs: navigator.locks (Web Locks)
 * when the browser has it (e2e.md: "one message at a time per session across
 * tabs"), otherwise an in-tab promise queue (older browsers, Node tests).
 */

const tails = new Map<string, Promise<void>>();

function webLocks(): LockManager | undefined {
  const nav = (globalThis as { navigator?: Navigator }).navigator;
  return nav?.locks;
}

export async function withLock<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const locks = webLocks();
  if (locks) return locks.request(name, { mode: "exclusive" }, () => fn());

  const prev = tails.get(name) ?? Promise.resolve();
  let release!: () => void;
  const tail = prev.then(() => new Promise<void>((r) => (release = r)));
  tails.set(name, tail);
  await prev;
  try {
    return await fn();
  } finally {
    release();
    if (tails.get(name) === tail) tails.delete(name);
  }
}

export function sessionLockName(peer: { u: string; d: number }): string {
  return `parley-session:${peer.u}:${peer.d}`;
}
