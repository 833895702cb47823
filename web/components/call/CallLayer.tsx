"use client";
/*
 * Everything about calls that shows over the app, on whichever screen the
 * user is: the incoming call dialog, the call screen, and a call this tab
 * lost (a reload mid-call) that can be ended from here.
 */
import { useEffect } from "react";
import { endLeftover, installCalls } from "@/lib/rtc/calls";
import { CallScreen } from "./CallScreen";
import { IncomingCall } from "./IncomingCall";
import { useCalls } from "./useCalls";

export function CallLayer() {
  useEffect(() => installCalls(), []);
  const call = useCalls((s) => s.call);
  const leftover = useCalls((s) => s.leftover);
  return (
    <>
      {call && call.phase === "incoming" && <IncomingCall call={call} />}
      {call && call.phase !== "incoming" && (
        <>
          <div className="call-backdrop" aria-hidden="true" />
          <CallScreen call={call} />
        </>
      )}
      {!call && leftover && (
        <div className="call-leftover" role="alert">
          <span>Your call with {leftover.peerName || "a contact"} was interrupted on this device.</span>
          <button type="button" className="call-pill decline" onClick={() => void endLeftover()}>
            End call
          </button>
        </div>
      )}
    </>
  );
}
