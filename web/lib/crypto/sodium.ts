/*
 * Lazy loader for libsodium-wrappers-sumo (e2e.md: "Built on libsodium").
 *
 * The sumo build is ~190 KB gzip (WebAssembly embedded in JS), too big for the
 * initial page budget, so nothing in lib/ imports it statically: the first
 * `await loadCrypto()` pulls it in as a separate chunk via dynamic import and
 * waits for `sodium.ready`. Every other function in lib/crypto is synchronous
 * (as libsodium is) and throws CryptoError("not_loaded") if called before.
 *
 * CSP: the module instantiates WebAssembly, so script-src needs
 * 'wasm-unsafe-eval'.
 */
import type SodiumDefault from "libsodium-wrappers-sumo";
import { CryptoError } from "./errors";

export type Sodium = typeof SodiumDefault;

let lib: Sodium | null = null;
let loading: Promise<Sodium> | null = null;

/** Load and initialise libsodium once; later calls return the same promise. */
export function loadCrypto(): Promise<Sodium> {
  if (loading === null) {
    loading = import("libsodium-wrappers-sumo").then(async (m) => {
      await m.default.ready;
      lib = m.default;
      return lib;
    });
    // A failed chunk load (offline) may be retried by the next caller.
    loading.catch(() => {
      loading = null;
    });
  }
  return loading;
}

export function isCryptoLoaded(): boolean {
  return lib !== null;
}

/** The loaded library; throws if loadCrypto() has not completed. */
export function sodium(): Sodium {
  if (lib === null) throw new CryptoError("not_loaded", "await loadCrypto() before using lib/crypto");
  return lib;
}
