"use client";
/*
 * The call screen, WhatsApp-style: the other person's video filling the
 * screen (or their photo on a voice call), ours small in a corner, name,
 * status or duration, the network indicator, and a row of round controls.
 * data-call-state mirrors the call's phase for tests and later tooling.
 */
import { useEffect, useRef, useState } from "react";
import { DefaultAvatar } from "../icons";
import {
  answerVideoRequest,
  dismissCall,
  flipCamera,
  hangUp,
  requestVideo,
  toggleCamera,
  toggleMute,
  toggleScreenShare,
  type CallView,
} from "@/lib/rtc/calls";
import { CallVideo } from "./CallVideo";
import { usePeerName } from "./useCalls";
import { CamIcon, CamOffIcon, EndCallIcon, FlipCameraIcon, LockSmallIcon, MicIcon, MicOffIcon, PipIcon, ScreenShareIcon, SignalBars } from "./callIcons";

export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

function useTick(on: boolean) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!on) return;
    const t = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(t);
  }, [on]);
  return now;
}

function statusText(c: CallView): string {
  switch (c.phase) {
    case "calling":
      return "Calling…";
    case "ringing":
      return "Ringing…";
    case "incoming":
      return c.media === "video" ? "Incoming video call" : "Incoming voice call";
    case "connecting":
      return "Connecting…";
    case "reconnecting":
      return "Reconnecting…";
    case "ended":
      return c.endText ?? "Call ended";
    default:
      return "";
  }
}

export function CallScreen({ call }: { call: CallView }) {
  const now = useTick(call.phase === "active" || call.phase === "reconnecting");
  const remoteRef = useRef<HTMLVideoElement | null>(null);
  const endRef = useRef<HTMLButtonElement | null>(null);
  // Keyboard users land on the call's controls when the screen opens.
  useEffect(() => endRef.current?.focus(), []);
  const name = usePeerName(call);
  const live = call.phase === "active" || call.phase === "reconnecting" || call.phase === "connecting";
  const showRemoteVideo = call.media === "video" && call.remote.camera && !!call.remoteStream && live;
  const showLocalVideo = !!call.local && call.phase !== "ended";
  const pipSupported = typeof document !== "undefined" && "pictureInPictureEnabled" in document && document.pictureInPictureEnabled;
  const status = call.phase === "active" && call.activeSince ? formatDuration(now - call.activeSince) : statusText(call);

  return (
    <section
      className="call-screen"
      aria-label={`Call with ${name}`}
      data-call-state={call.phase}
      data-media={call.media}
      data-video={showRemoteVideo ? "remote" : "none"}
      data-reason={call.reason}
    >
      {/* The remote stream always plays (its audio); the picture shows only when there is one. */}
      <CallVideo ref={remoteRef} className="call-remote" stream={call.remoteStream} label={`${name}'s video`} />
      {!showRemoteVideo && (
        <div className="call-hero">
          <span className="call-avatar" aria-hidden="true">
            <DefaultAvatar size={120} />
          </span>
        </div>
      )}
      <header className="call-top">
        <p className="call-e2e">
          <LockSmallIcon size={12} /> End-to-end encrypted
        </p>
        <h2 className="call-name">{name}</h2>
        <p className="call-status" aria-live="polite">
          {call.phase === "active" && call.activeSince ? (
            <span className="call-timer" role="timer" aria-label="Call duration">
              {status}
            </span>
          ) : (
            status
          )}
          {call.quality && live && (
            <span className="call-quality" role="img" aria-label={`Network quality: ${call.quality.level}`} data-quality={call.quality.level} title={`${call.quality.rttMs ?? "?"} ms · ${call.quality.lossPct}% loss`}>
              <SignalBars level={call.quality.level} size={16} />
            </span>
          )}
        </p>
        {call.remote.muted && live && <p className="call-flag">{name} muted this call</p>}
        {call.remote.sharing && live && <p className="call-flag">{name} is sharing their screen</p>}
      </header>
      {showLocalVideo && (
        <CallVideo className="call-local" stream={call.local} label="Your video" muted mirrored={!call.sharing} />
      )}
      {call.notice && <p className="call-notice" role="status">{call.notice}</p>}
      {call.videoRequest === "received" && (
        <div className="call-banner" role="alertdialog" aria-label="Video request">
          <span>{name} wants to switch to a video call</span>
          <button type="button" className="call-pill accept" onClick={() => void answerVideoRequest(true)}>
            Accept video
          </button>
          <button type="button" className="call-pill plain" onClick={() => void answerVideoRequest(false)}>
            Not now
          </button>
        </div>
      )}
      {call.videoRequest === "sent" && <p className="call-notice" role="status">Asking {name} to switch to video…</p>}
      {call.suggestAudioOnly && call.cameraOn && (
        <div className="call-banner" role="status">
          <span>Poor connection. Turn your camera off to keep talking?</span>
          <button type="button" className="call-pill plain" onClick={() => void toggleCamera()}>
            Audio only
          </button>
        </div>
      )}
      <div className="call-controls" role="toolbar" aria-label="Call controls">
        {call.phase === "ended" ? (
          <button type="button" className="call-pill plain" onClick={dismissCall}>
            Close
          </button>
        ) : (
          <>
            {(live || call.phase === "calling" || call.phase === "ringing") && (
              <>
                {call.cameras > 1 && call.cameraOn && (
                  <button type="button" className="call-round" aria-label="Flip camera" title="Flip camera" onClick={() => void flipCamera()}>
                    <FlipCameraIcon />
                  </button>
                )}
                {call.media === "video" || call.cameraOn ? (
                  <button
                    type="button"
                    className="call-round"
                    data-on={!call.cameraOn}
                    aria-label={call.cameraOn ? "Turn camera off" : "Turn camera on"}
                    title={call.cameraOn ? "Turn camera off" : "Turn camera on"}
                    onClick={() => void toggleCamera()}
                  >
                    {call.cameraOn ? <CamIcon /> : <CamOffIcon />}
                  </button>
                ) : live ? (
                  <button
                    type="button"
                    className="call-round"
                    aria-label="Switch to video"
                    title="Switch to video"
                    disabled={call.phase !== "active" || call.videoRequest === "sent"}
                    onClick={requestVideo}
                  >
                    <CamIcon />
                  </button>
                ) : null}
                <button
                  type="button"
                  className="call-round"
                  data-on={call.muted}
                  aria-label={call.muted ? "Unmute" : "Mute"}
                  title={call.muted ? "Unmute" : "Mute"}
                  onClick={toggleMute}
                >
                  {call.muted ? <MicOffIcon /> : <MicIcon />}
                </button>
                {live && typeof navigator !== "undefined" && !!navigator.mediaDevices && "getDisplayMedia" in navigator.mediaDevices && (
                  <button
                    type="button"
                    className="call-round only-desktop"
                    data-on={call.sharing}
                    aria-label={call.sharing ? "Stop sharing" : "Share screen"}
                    title={call.sharing ? "Stop sharing" : "Share screen"}
                    onClick={() => void toggleScreenShare()}
                  >
                    <ScreenShareIcon />
                  </button>
                )}
                {pipSupported && showRemoteVideo && (
                  <button
                    type="button"
                    className="call-round"
                    aria-label="Picture in picture"
                    title="Picture in picture"
                    onClick={() => void remoteRef.current?.requestPictureInPicture().catch(() => undefined)}
                  >
                    <PipIcon />
                  </button>
                )}
              </>
            )}
            <button type="button" ref={endRef} className="call-round end" aria-label="End call" title="End call" onClick={() => void hangUp()}>
              <EndCallIcon size={28} />
            </button>
          </>
        )}
      </div>
    </section>
  );
}
