/* React's view of the call manager (lib/rtc/calls.ts). */
import { useSyncExternalStore } from "react";
import { engine } from "@/lib/chat/engine";
import { useChatState } from "@/lib/chat/state";
import { getCallsState, subscribeCalls, type CallsState } from "@/lib/rtc/calls";

export function useCalls<T>(select: (s: CallsState) => T): T {
  return useSyncExternalStore(
    subscribeCalls,
    () => select(getCallsState()),
    () => select(getCallsState()),
  );
}

/** The peer's name as the engine knows it now (it may learn it while the call rings). */
export function usePeerName(call: { peerUser: string; peerName: string }): string {
  const known = useChatState(() => engine.nameOf(call.peerUser));
  return known || call.peerName || "Unknown";
}
