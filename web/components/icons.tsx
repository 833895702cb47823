/*
 * Inline SVG icons, drawn for Parley on a 24×24 grid in WhatsApp's visual
 * language (rounded 1.8 px strokes, filled variants for the selected tab).
 * Inline so the CSP needs no icon font or image origin; `currentColor` so the
 * theme decides the colour. Decorative: every icon is aria-hidden and the
 * button around it carries the accessible name.
 */
import type { ReactNode, SVGProps } from "react";

export type IconProps = Omit<SVGProps<SVGSVGElement>, "children"> & { size?: number };

/** The 24×24 stroked frame every icon is drawn in (also the call icons, call/callIcons.tsx). */
export function Svg({ size = 24, children, ...rest }: IconProps & { children: ReactNode }) {
  return (
    <svg
      viewBox="0 0 24 24"
      width={size}
      height={size}
      aria-hidden="true"
      focusable="false"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.8}
      strokeLinecap="round"
      strokeLinejoin="round"
      {...rest}
    >
      {children}
    </svg>
  );
}

const BUBBLE =
  "M12 3.6c-4.75 0-8.4 3.45-8.4 7.85 0 1.75.6 3.35 1.65 4.65L4.4 20l4.15-1.25c1.05.4 2.2.6 3.45.6 4.75 0 8.4-3.45 8.4-7.9S16.75 3.6 12 3.6z";

export function ChatsIcon({ filled, ...p }: IconProps & { filled?: boolean }) {
  return (
    <Svg {...p}>
      <path d={BUBBLE} fill={filled ? "currentColor" : "none"} />
      <g stroke={filled ? "var(--icon-on-fill)" : "currentColor"}>
        <path d="M8.4 10h7.2M8.4 13.2h4.6" />
      </g>
    </Svg>
  );
}

export function UpdatesIcon({ filled, ...p }: IconProps & { filled?: boolean }) {
  return (
    <Svg {...p}>
      <path d="M12 3a9 9 0 0 1 8.6 6.3" />
      <path d="M20.8 13.4A9 9 0 0 1 15 20.5" />
      <path d="M10.6 20.9a9 9 0 0 1-7.4-6.8" />
      <path d="M3.3 9.7A9 9 0 0 1 7.2 4.4" />
      <circle cx="12" cy="12" r="4.4" fill={filled ? "currentColor" : "none"} />
    </Svg>
  );
}

export function CommunitiesIcon({ filled, ...p }: IconProps & { filled?: boolean }) {
  const f = filled ? "currentColor" : "none";
  return (
    <Svg {...p}>
      <circle cx="12" cy="8.2" r="3.2" fill={f} />
      <path d="M6.3 19.6c0-3.3 2.55-5.6 5.7-5.6s5.7 2.3 5.7 5.6z" fill={f} />
      <circle cx="5.3" cy="9.6" r="2.2" />
      <path d="M1.9 17.4c.25-2.2 1.7-3.7 3.6-3.8" />
      <circle cx="18.7" cy="9.6" r="2.2" />
      <path d="M22.1 17.4c-.25-2.2-1.7-3.7-3.6-3.8" />
    </Svg>
  );
}

const HANDSET =
  "M7.3 3.6 5 4.2c-.8.2-1.35 1-1.2 1.8 1.05 7.05 6.6 12.6 13.65 13.65.8.15 1.6-.4 1.8-1.2l.6-2.3c.2-.7-.15-1.45-.8-1.75l-2.6-1.2c-.65-.3-1.4-.1-1.85.45l-.95 1.15c-2.25-1.05-4.05-2.85-5.1-5.1l1.15-.95c.55-.45.75-1.2.45-1.85L9.05 4.4c-.3-.65-1.05-1-1.75-.8z";

export function CallsIcon({ filled, ...p }: IconProps & { filled?: boolean }) {
  return (
    <Svg {...p}>
      <path d={HANDSET} fill={filled ? "currentColor" : "none"} />
    </Svg>
  );
}

export function NewChatIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M20.4 11.6v4.2a3.6 3.6 0 0 1-3.6 3.6H9.2L4.6 21.6V7.6A3.6 3.6 0 0 1 8.2 4h4.2" />
      <path d="M18 2.8v7.2M14.4 6.4h7.2" />
    </Svg>
  );
}

export function MenuIcon(p: IconProps) {
  return (
    <Svg {...p} stroke="none" fill="currentColor">
      <circle cx="12" cy="5.2" r="1.9" />
      <circle cx="12" cy="12" r="1.9" />
      <circle cx="12" cy="18.8" r="1.9" />
    </Svg>
  );
}

export function SearchIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <circle cx="10.6" cy="10.6" r="6.2" />
      <path d="m15.3 15.3 4.9 4.9" />
    </Svg>
  );
}

export function BackIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M19.5 12h-15M10.5 5.5 4 12l6.5 6.5" />
    </Svg>
  );
}

const GEAR =
  "M19.02 9.64L21.36 10.37L21.36 13.63L19.02 14.36A7.4 7.4 0 0 1 18.63 15.29L19.77 17.46L17.46 19.77L15.29 18.63A7.4 7.4 0 0 1 14.36 19.02L13.63 21.36L10.37 21.36L9.64 19.02A7.4 7.4 0 0 1 8.71 18.63L6.54 19.77L4.23 17.46L5.37 15.29A7.4 7.4 0 0 1 4.98 14.36L2.64 13.63L2.64 10.37L4.98 9.64A7.4 7.4 0 0 1 5.37 8.71L4.23 6.54L6.54 4.23L8.71 5.37A7.4 7.4 0 0 1 9.64 4.98L10.37 2.64L13.63 2.64L14.36 4.98A7.4 7.4 0 0 1 15.29 5.37L17.46 4.23L19.77 6.54L18.63 8.71A7.4 7.4 0 0 1 19.02 9.64Z";

export function SettingsIcon(p: IconProps) {
  return (
    <Svg {...p} strokeWidth={1.6}>
      <path d={GEAR} />
      <circle cx="12" cy="12" r="3.1" />
    </Svg>
  );
}

export function LockIcon(p: IconProps) {
  return (
    <Svg {...p} strokeWidth={2}>
      <rect x="5" y="10.5" width="14" height="10" rx="2" fill="currentColor" stroke="none" />
      <path d="M8 10.5V8a4 4 0 0 1 8 0v2.5" />
    </Svg>
  );
}

export function CameraIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M4.5 7.4h3l1.6-2.2h5.8l1.6 2.2h3a1.8 1.8 0 0 1 1.8 1.8v9a1.8 1.8 0 0 1-1.8 1.8h-15a1.8 1.8 0 0 1-1.8-1.8v-9a1.8 1.8 0 0 1 1.8-1.8z" />
      <circle cx="12" cy="13.3" r="3.6" />
    </Svg>
  );
}

export function ArchiveIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <rect x="3.2" y="4" width="17.6" height="4.6" rx="1.2" />
      <path d="M4.8 8.6v9.6a1.8 1.8 0 0 0 1.8 1.8h10.8a1.8 1.8 0 0 0 1.8-1.8V8.6M10 12.4h4" />
    </Svg>
  );
}

export function LinkIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M10.2 13.8a3.9 3.9 0 0 0 5.5 0l3.1-3.1a3.9 3.9 0 0 0-5.5-5.5l-1.2 1.2" />
      <path d="M13.8 10.2a3.9 3.9 0 0 0-5.5 0l-3.1 3.1a3.9 3.9 0 0 0 5.5 5.5l1.2-1.2" />
    </Svg>
  );
}

export function PlusIcon(p: IconProps) {
  return (
    <Svg {...p} strokeWidth={2}>
      <path d="M12 5v14M5 12h14" />
    </Svg>
  );
}

export function ChevronRightIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="m9.5 6 6 6-6 6" />
    </Svg>
  );
}

export function KeyIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <circle cx="8" cy="15" r="4.2" />
      <path d="m11 12 8.6-8.6M16.6 6.4l2.6 2.6M14.4 8.6l1.9 1.9" />
    </Svg>
  );
}

export function BellIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M6.2 16.8V11a5.8 5.8 0 0 1 11.6 0v5.8l1.6 1.6H4.6z" />
      <path d="M10 20.6a2.2 2.2 0 0 0 4 0" />
    </Svg>
  );
}

export function HelpIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <circle cx="12" cy="12" r="8.8" />
      <path d="M9.6 9.6a2.5 2.5 0 1 1 3.4 2.3c-.6.3-1 .8-1 1.5v.6" />
      <circle cx="12" cy="16.9" r=".4" fill="currentColor" />
    </Svg>
  );
}

export function PaletteIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M12 3.2a8.8 8.8 0 1 0 0 17.6c1 0 1.6-.7 1.6-1.5 0-.9-.7-1.3-.7-2.2 0-.9.7-1.6 1.6-1.6h2a4.3 4.3 0 0 0 4.3-4.3C20.8 6.6 16.9 3.2 12 3.2z" />
      <circle cx="7.6" cy="11.4" r="1" fill="currentColor" />
      <circle cx="10.2" cy="7.6" r="1" fill="currentColor" />
      <circle cx="14.6" cy="7.6" r="1" fill="currentColor" />
    </Svg>
  );
}

export function LogOutIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M14 4.4H6.4a1.8 1.8 0 0 0-1.8 1.8v11.6a1.8 1.8 0 0 0 1.8 1.8H14" />
      <path d="M10 12h10.4M17 8.4l3.6 3.6-3.6 3.6" />
    </Svg>
  );
}

/** WhatsApp-style default avatar: a grey disc with a head-and-shoulders silhouette. */
export function DefaultAvatar({
  size = 40,
  group = false,
  square = false,
}: {
  size?: number;
  group?: boolean;
  /** Communities use a rounded square, as in WhatsApp. */
  square?: boolean;
}) {
  return (
    <svg viewBox="0 0 40 40" width={size} height={size} aria-hidden="true" focusable="false" className="avatar">
      {square ? (
        <rect width="40" height="40" rx="11" fill="var(--avatar-bg)" />
      ) : (
        <circle cx="20" cy="20" r="20" fill="var(--avatar-bg)" />
      )}
      {group ? (
        <g fill="var(--avatar-fg)">
          <circle cx="20" cy="15.5" r="5" />
          <path d="M11 31c0-5 4-8.4 9-8.4s9 3.4 9 8.4z" />
          <circle cx="10.6" cy="18" r="3.4" />
          <path d="M4.8 28.2c.4-3.4 2.6-5.6 5.8-5.7 1 0 1.9.2 2.7.6-1.6 1.3-2.7 3-3.1 5.1z" />
          <circle cx="29.4" cy="18" r="3.4" />
          <path d="M35.2 28.2c-.4-3.4-2.6-5.6-5.8-5.7-1 0-1.9.2-2.7.6 1.6 1.3 2.7 3 3.1 5.1z" />
        </g>
      ) : (
        <g fill="var(--avatar-fg)">
          <circle cx="20" cy="15.2" r="6.6" />
          <path d="M7.4 33.6c1.5-5.9 6.6-9.6 12.6-9.6s11.1 3.7 12.6 9.6A19.9 19.9 0 0 1 20 40a19.9 19.9 0 0 1-12.6-6.4z" />
        </g>
      )}
    </svg>
  );
}

export function VideoIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <rect x="2.8" y="6.2" width="13" height="11.6" rx="2.4" />
      <path d="m15.8 10.4 4.6-2.8c.5-.3 1 .05 1 .6v7.6c0 .55-.5.9-1 .6l-4.6-2.8z" />
    </Svg>
  );
}

export function PhoneIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d={HANDSET} />
    </Svg>
  );
}

export function EmojiIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <circle cx="12" cy="12" r="8.8" />
      <path d="M8.2 13.8c.9 1.6 2.2 2.4 3.8 2.4s2.9-.8 3.8-2.4" />
      <circle cx="9.2" cy="9.8" r=".9" fill="currentColor" stroke="none" />
      <circle cx="14.8" cy="9.8" r=".9" fill="currentColor" stroke="none" />
    </Svg>
  );
}

export function AttachIcon(p: IconProps) {
  return (
    <Svg {...p} strokeWidth={2}>
      <path d="M12 4.5v15M4.5 12h15" />
    </Svg>
  );
}

export function SendIcon(p: IconProps) {
  return (
    <Svg {...p} stroke="none" fill="currentColor">
      <path d="M3.4 20.4 21 12 3.4 3.6l-.01 6.53L15.6 12 3.39 13.87z" />
    </Svg>
  );
}

export function MicIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <rect x="9" y="3" width="6" height="11.4" rx="3" fill="currentColor" stroke="none" />
      <path d="M5.6 11.2a6.4 6.4 0 0 0 12.8 0M12 17.6v3.2" />
    </Svg>
  );
}

export function ChevronDownIcon(p: IconProps) {
  return (
    <Svg {...p} strokeWidth={2}>
      <path d="m6.5 9.5 5.5 5.5 5.5-5.5" />
    </Svg>
  );
}

export function CloseIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M6 6l12 12M18 6 6 18" />
    </Svg>
  );
}

export function BlockIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <circle cx="12" cy="12" r="8.6" />
      <path d="m5.9 5.9 12.2 12.2" />
    </Svg>
  );
}

export function ThumbDownIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M16.6 3.8v10.1l-3.9 6.3c-.4.6-1.2.8-1.8.4a1.5 1.5 0 0 1-.7-1.6l.8-4H5.6a1.8 1.8 0 0 1-1.7-2.3l1.9-6.9a1.8 1.8 0 0 1 1.7-1.3z" />
      <path d="M16.6 4h3.6v9.8h-3.6" />
    </Svg>
  );
}

/** Message ticks. Decorative here: the caller wraps them in role="img" with the state's name. */
export function TickIcon({ double, size = 16 }: { double?: boolean; size?: number }) {
  return (
    <svg viewBox="0 0 16 11" width={size} height={(size * 11) / 16} aria-hidden="true" focusable="false">
      {double ? (
        <path
          d="M11.07.65 10.4.1a.38.38 0 0 0-.54.07L4.7 6.6 2.14 4.19a.38.38 0 0 0-.53.03l-.6.6c-.14.15-.13.39.03.53l3.5 3.22c.16.14.4.12.53-.05l6.04-7.35a.38.38 0 0 0-.04-.52zm3.96 0-.67-.55a.38.38 0 0 0-.54.07l-5.16 6.43-.98-.9-.6.74 1.73 1.6c.16.14.4.12.53-.05l6.03-7.35a.38.38 0 0 0-.04-.52z"
          fill="currentColor"
        />
      ) : (
        <path
          d="M11.07.65 10.4.1a.38.38 0 0 0-.54.07L4.7 6.6 2.14 4.19a.38.38 0 0 0-.53.03l-.6.6c-.14.15-.13.39.03.53l3.5 3.22c.16.14.4.12.53-.05l6.04-7.35a.38.38 0 0 0-.04-.52z"
          fill="currentColor"
          transform="translate(2 0)"
        />
      )}
    </svg>
  );
}

export function ClockIcon({ size = 15 }: { size?: number }) {
  return (
    <svg viewBox="0 0 16 16" width={size} height={size} aria-hidden="true" focusable="false">
      <circle cx="8" cy="8" r="6" fill="none" stroke="currentColor" strokeWidth="1.3" />
      <path d="M8 4.6V8l2.3 1.4" fill="none" stroke="currentColor" strokeWidth="1.3" strokeLinecap="round" />
    </svg>
  );
}

export function ErrorIcon({ size = 15 }: { size?: number }) {
  return (
    <svg viewBox="0 0 16 16" width={size} height={size} aria-hidden="true" focusable="false">
      <circle cx="8" cy="8" r="7" fill="currentColor" />
      <path d="M8 4.2v4.6M8 11.3v.4" stroke="#fff" strokeWidth="1.6" strokeLinecap="round" />
    </svg>
  );
}

export function ShieldIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M12 3.2 5 5.8v5.4c0 4.4 3 8 7 9.6 4-1.6 7-5.2 7-9.6V5.8z" />
      <path d="m9 12 2.2 2.2L15.2 10" />
    </Svg>
  );
}

export function PinIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M14.6 3.6 20.4 9.4l-2.2.8-3.5 3.5.3 4.3-1.6 1.6-3.9-3.9L5 20.2M9.5 15.7l-3.9-3.9 1.6-1.6 4.3.3 3.5-3.5z" />
    </Svg>
  );
}

export function MutedIcon(p: IconProps) {
  return (
    <Svg {...p}>
      <path d="M4 9.2h3.2L12 5v14l-4.8-4.2H4z" />
      <path d="m15.6 9.6 4.8 4.8M20.4 9.6l-4.8 4.8" />
    </Svg>
  );
}
