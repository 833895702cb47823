/** Types for scripts/csp-hashes.mjs (imported by its Vitest test). */
export declare function inlineScripts(html: string): string[];
export declare function cspHash(body: string): string;
