/** Deterministic hashing and pseudo-random numbers, so the same seed always gives the same emulator. */

/** The 32-bit FNV-1a hash of `text`. */
export function hash32(text: string): number {
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) {
        hash ^= text.charCodeAt(i);
        hash = Math.imul(hash, 0x01000193);
    }
    return hash >>> 0;
}

/** A lowercase hex string of `length` characters derived from `text` (chained hashes, not cryptographic). */
export function hexDigest(text: string, length: number): string {
    let out = "";
    for (let round = 0; out.length < length; round++) {
        out += hash32(`${round}:${text}`).toString(16).padStart(8, "0");
    }
    return out.slice(0, length);
}

/** A pseudo-random number generator (mulberry32) returning floats in [0, 1) from a 32-bit seed. */
export function prng(seed: number): () => number {
    let state = seed >>> 0;
    return () => {
        state = (state + 0x6d2b79f5) >>> 0;
        let t = state;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
}
