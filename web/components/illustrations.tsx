/*
 * Flat illustrations for the empty right pane and the Communities explainer,
 * coloured from theme variables (--illu-*) so they follow light and dark.
 */

export function IntroIllustration() {
  return (
    <svg className="illu" viewBox="0 0 360 220" width="360" height="220" aria-hidden="true" focusable="false">
      <ellipse cx="180" cy="200" rx="160" ry="12" fill="var(--illu-shadow)" />
      {/* laptop */}
      <rect x="52" y="32" width="220" height="140" rx="10" fill="var(--illu-device)" />
      <rect x="62" y="42" width="200" height="120" rx="4" fill="var(--illu-screen)" />
      <path d="M34 172h256l-10 14H44z" fill="var(--illu-device)" />
      <rect x="146" y="172" width="32" height="5" rx="2.5" fill="var(--illu-shadow)" />
      {/* chat list on the laptop */}
      <rect x="62" y="42" width="66" height="120" fill="var(--illu-side)" />
      {[58, 82, 106, 130].map((y) => (
        <g key={y}>
          <circle cx="76" cy={y} r="7" fill="var(--illu-line)" />
          <rect x="88" y={y - 5} width="32" height="4" rx="2" fill="var(--illu-line)" />
          <rect x="88" y={y + 2} width="22" height="3" rx="1.5" fill="var(--illu-line-soft)" />
        </g>
      ))}
      {/* conversation */}
      <rect x="140" y="56" width="70" height="16" rx="5" fill="var(--illu-bubble-in)" />
      <rect x="178" y="80" width="74" height="16" rx="5" fill="var(--illu-bubble-out)" />
      <rect x="140" y="104" width="56" height="16" rx="5" fill="var(--illu-bubble-in)" />
      <rect x="196" y="128" width="56" height="16" rx="5" fill="var(--illu-bubble-out)" />
      {/* phone */}
      <rect x="270" y="76" width="64" height="116" rx="10" fill="var(--illu-device)" />
      <rect x="276" y="86" width="52" height="96" rx="4" fill="var(--illu-screen)" />
      <rect x="282" y="96" width="32" height="10" rx="4" fill="var(--illu-bubble-in)" />
      <rect x="292" y="112" width="30" height="10" rx="4" fill="var(--illu-bubble-out)" />
      <rect x="282" y="128" width="26" height="10" rx="4" fill="var(--illu-bubble-in)" />
      {/* link between them */}
      <circle cx="282" cy="40" r="20" fill="var(--accent)" />
      <path d="M274 40.5l5.5 5.5 10-11" fill="none" stroke="#fff" strokeWidth="3.2" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

export function CommunitiesIllustration() {
  return (
    <svg className="illu illu-small" viewBox="0 0 240 150" width="240" height="150" aria-hidden="true" focusable="false">
      <circle cx="120" cy="75" r="66" fill="var(--illu-screen)" />
      <rect x="84" y="40" width="72" height="72" rx="22" fill="var(--illu-side)" />
      <g fill="var(--accent)">
        <circle cx="120" cy="66" r="10" />
        <path d="M100 96c0-11 9-18 20-18s20 7 20 18z" />
      </g>
      <g fill="var(--illu-line)">
        <circle cx="52" cy="58" r="16" />
        <circle cx="188" cy="58" r="16" />
        <circle cx="70" cy="118" r="13" />
        <circle cx="170" cy="118" r="13" />
      </g>
      <g stroke="var(--illu-line)" strokeWidth="2" strokeDasharray="3 5" fill="none">
        <path d="M68 62l16 6M172 62l-16 6M80 112l8-8M160 112l-8-8" />
      </g>
    </svg>
  );
}

export function RingIllustration({ kind }: { kind: "status" | "calls" | "communities" }) {
  return (
    <svg className="illu illu-ring" viewBox="0 0 96 96" width="96" height="96" aria-hidden="true" focusable="false">
      <circle cx="48" cy="48" r="48" fill="var(--illu-screen)" />
      {kind === "status" && (
        <g fill="none" stroke="var(--illu-icon)" strokeWidth="3.2" strokeLinecap="round">
          <path d="M48 22a26 26 0 0 1 24.9 18.2" />
          <path d="M73.4 52.2a26 26 0 0 1-16.8 20.4" />
          <path d="M43.9 73.7a26 26 0 0 1-21.4-19.6" />
          <path d="M22.6 41.4A26 26 0 0 1 33.9 26" />
          <circle cx="48" cy="48" r="12" fill="var(--illu-icon)" stroke="none" />
        </g>
      )}
      {kind === "calls" && (
        <g transform="translate(24 24) scale(2)">
          <path
            d="M7.3 3.6 5 4.2c-.8.2-1.35 1-1.2 1.8 1.05 7.05 6.6 12.6 13.65 13.65.8.15 1.6-.4 1.8-1.2l.6-2.3c.2-.7-.15-1.45-.8-1.75l-2.6-1.2c-.65-.3-1.4-.1-1.85.45l-.95 1.15c-2.25-1.05-4.05-2.85-5.1-5.1l1.15-.95c.55-.45.75-1.2.45-1.85L9.05 4.4c-.3-.65-1.05-1-1.75-.8z"
            fill="var(--illu-icon)"
          />
        </g>
      )}
      {kind === "communities" && (
        <g fill="var(--illu-icon)">
          <circle cx="48" cy="38" r="8" />
          <path d="M33 66c0-9 6.7-15 15-15s15 6 15 15z" />
          <circle cx="29" cy="44" r="5.5" />
          <path d="M18 62c.6-6 4.4-9.6 9.6-9.6 1.6 0 3 .3 4.3 1-2.8 2.3-4.6 5.2-5.2 8.6z" />
          <circle cx="67" cy="44" r="5.5" />
          <path d="M78 62c-.6-6-4.4-9.6-9.6-9.6-1.6 0-3 .3-4.3 1 2.8 2.3 4.6 5.2 5.2 8.6z" />
        </g>
      )}
    </svg>
  );
}
