/* Parley's mark: a speech bubble with a handset-free double tick, in the accent colour. */
export function BrandMark({ size = 36 }: { size?: number }) {
  return (
    <svg viewBox="0 0 40 40" width={size} height={size} aria-hidden="true" focusable="false" className="brand-mark">
      <path
        d="M20 3C10.6 3 3 10.1 3 19c0 3.3 1.1 6.4 2.9 9L4 36l8.4-2.6c2.3 1.1 4.9 1.7 7.6 1.7 9.4 0 17-7.2 17-16.1S29.4 3 20 3z"
        fill="var(--accent)"
      />
      <path d="m11.5 19.5 4.2 4.2 7.8-8.2M19 23l1 1 7.8-8.2" fill="none" stroke="#fff" strokeWidth="2.4" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}
