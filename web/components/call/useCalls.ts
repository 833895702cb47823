/* React's view of the call manager (lib/rtc/calls.ts). */
import { useSyncExternalStore } from "react";
import { getCallsState, subscribeCalls, type CallsState } from "@/lib/rtc/calls";

export function useCalls<T>(select: (s: CallsState) => T): T {
  return useSyncExternalStore(
    subscribeCalls,
    () => select(getCallsState()),
    () => select(getCallsState()),
  );
}
