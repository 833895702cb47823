/*
 * Public API of the client store (e2e.md "Client store"). The theme
 * preference (theme.ts, theme-store.ts) is separate and uses localStorage.
 */
export * from "./db";
export * from "./keystore";
export * from "./trust";
export * from "./sessions";
export * from "./groups";
export * from "./messages";
export { subscribe, type StoreEvent, type StoreTopic } from "./events";
export { withLock } from "./locks";
export * from "./search";
