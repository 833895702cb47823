"use client";
/* A <video> showing a MediaStream (srcObject cannot be set from JSX). */
import { forwardRef, useEffect, useImperativeHandle, useRef } from "react";

interface Props {
  stream: MediaStream | null;
  label: string;
  muted?: boolean;
  mirrored?: boolean;
  className?: string;
}

export const CallVideo = forwardRef<HTMLVideoElement | null, Props>(function CallVideo({ stream, label, muted, mirrored, className }, ref) {
  const el = useRef<HTMLVideoElement | null>(null);
  useImperativeHandle(ref, () => el.current as HTMLVideoElement, []);
  useEffect(() => {
    const v = el.current;
    if (!v) return;
    if (v.srcObject !== stream) v.srcObject = stream;
    if (stream) void v.play().catch(() => undefined);
  }, [stream]);
  return (
    <video
      ref={el}
      className={className}
      aria-label={label}
      autoPlay
      playsInline
      muted={muted}
      data-mirrored={mirrored ? "true" : undefined}
    />
  );
});
