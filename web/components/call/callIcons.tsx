/* Icons of the call screens and the call log, in the style of ../icons.tsx. */
import { Svg, type IconProps } from "../icons";

const HANDSET =
  "M6.6 3.8h2.3c.45 0 .85.3.95.75l.8 3.3c.1.4-.05.8-.35 1.05l-1.6 1.3a12.3 12.3 0 0 0 5.1 5.1l1.3-1.6c.25-.3.65-.45 1.05-.35l3.3.8c.45.1.75.5.75.95v2.3c0 1.1-.9 2-2 2C10.7 19.4 4.6 13.3 4.6 5.8c0-1.1.9-2 2-2z";

export function EndCallIcon(p: IconProps) {
  return (
    <Svg {...p} fill="currentColor" stroke="none">
      <path d="M12 9.2c-2.6 0-5 .6-7.1 1.7-.6.3-.9.9-.9 1.5v2.2c0 .7.6 1.2 1.3 1.1l2.9-.5c.6-.1 1-.6 1-1.2v-1.6c1.8-.5 3.7-.5 5.6 0v1.6c0 .6.4 1.1 1 1.2l2.9.5c.7.1 1.3-.4 1.3-1.1v-2.2c0-.6-.3-1.2-.9-1.5-2.1-1.1-4.5-1.7-7.1-1.7z" />
    </Svg>
  );
}

export function AcceptCallIcon(p: IconProps) {
  return (
    <Svg {...p} fill="currentColor" stroke="none">
      <path d={HANDSET} />
    </Svg>
  );
}

export function MicIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <rect x="9" y="3" width="6" height="11" rx="3" />
      <path d="M5.5 11a6.5 6.5 0 0 0 13 0M12 17.5V21" />
    </Svg>
  );
}

export function MicOffIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M15 10V6a3 3 0 0 0-5.6-1.5M9 9v2a3 3 0 0 0 4.6 2.5M5.5 11a6.5 6.5 0 0 0 10.6 5M18.5 11c0 .9-.2 1.7-.5 2.5M12 17.5V21M4 4l16 16" />
    </Svg>
  );
}

export function CamIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <rect x="2.8" y="6.2" width="13" height="11.6" rx="2.4" />
      <path d="m15.8 10.4 4.6-2.8c.5-.3 1 .05 1 .6v7.6c0 .55-.5.9-1 .6l-4.6-2.8z" />
    </Svg>
  );
}

export function CamOffIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M8 6.2h5.4c1.3 0 2.4 1.1 2.4 2.4v5.4M15.8 17.2c-.4.4-1 .6-1.6.6H5.2c-1.3 0-2.4-1.1-2.4-2.4V8.6c0-.9.5-1.7 1.3-2.1M15.8 10.4l4.6-2.8c.5-.3 1 .05 1 .6v7.6M3 3l18 18" />
    </Svg>
  );
}

export function ScreenShareIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <rect x="2.5" y="4" width="19" height="13" rx="2" />
      <path d="M8 21h8M12 17v4M12 13.5V7.5M9.3 10.2 12 7.5l2.7 2.7" />
    </Svg>
  );
}

export function FlipCameraIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M4 8.5h2.5L8 6h8l1.5 2.5H20c.6 0 1 .4 1 1V18c0 .6-.4 1-1 1H4c-.6 0-1-.4-1-1V9.5c0-.6.4-1 1-1z" />
      <path d="M9 13.2a3 3 0 0 1 5.4-1.7M15 13.8a3 3 0 0 1-5.4 1.7M14.6 9.8v1.8h-1.8M9.4 17.2v-1.8h1.8" />
    </Svg>
  );
}

export function PipIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <rect x="2.5" y="4.5" width="19" height="15" rx="2" />
      <rect x="12" y="12" width="7" height="5" rx="1" fill="currentColor" />
    </Svg>
  );
}

export function MessageIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M4 5.5h16c.6 0 1 .4 1 1v10c0 .6-.4 1-1 1H9l-4.2 3v-3H4c-.6 0-1-.4-1-1v-10c0-.6.4-1 1-1z" />
    </Svg>
  );
}

export function LockSmallIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <rect x="5" y="10.5" width="14" height="10" rx="2" />
      <path d="M8 10.5V8a4 4 0 0 1 8 0v2.5" />
    </Svg>
  );
}

/** ↙ incoming, ↗ outgoing (coloured by the caller: red when missed). */
export function CallArrowIcon({ dir, ...p }: IconProps & { dir: "incoming" | "outgoing" }) {
  return (
    <Svg {...p} strokeWidth={2.2}>
      {dir === "outgoing" ? <path d="M7 17 17 7M9 7h8v8" /> : <path d="M17 7 7 17M15 17H7V9" />}
    </Svg>
  );
}

/** Signal bars: filled up to the quality level. */
export function SignalBars({ level, ...p }: IconProps & { level: "good" | "fair" | "poor" }) {
  const n = level === "good" ? 3 : level === "fair" ? 2 : 1;
  return (
    <Svg {...p} strokeWidth={0}>
      {[0, 1, 2].map((i) => (
        <rect key={i} x={5 + i * 5} y={15 - i * 4} width="3.2" height={5 + i * 4} rx="1" fill="currentColor" opacity={i < n ? 1 : 0.3} />
      ))}
    </Svg>
  );
}

export function TrashIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M4.5 7h15M10 11v6M14 11v6M6 7l1 12c.1.6.5 1 1 1h8c.5 0 .9-.4 1-1l1-12M9 7V4.8c0-.5.4-.8.8-.8h4.4c.4 0 .8.3.8.8V7" />
    </Svg>
  );
}
