/*
 * Sender Keys for groups (e2e.md "Sender Keys"; libsignal sender_keys.rs).
 *
 * Per (group, sender device): a random chain key, a u32 iteration and an
 * Ed25519 signing key. For iteration i:
 *   seed = HMAC(ck_i, 0x01), ck_{i+1} = HMAC(ck_i, 0x02)
 *   key ‖ nonce = HKDF(seed, 32×0x00, "Parley_SK_MSG_v1", 56) → XChaCha20-Poly1305
 * The AEAD's associated data is the message header (group, distribution id,
 * sender, iteration); the Ed25519 signature covers header ‖ ct and is checked
 * before anything else. The distribution message (kind "skdm") carries the
 * current (iteration, chain key, signing public key) over the pairwise
 * sessions, so a new member cannot read earlier messages. Rotate (new
 * distId) when a member or device leaves.
 */
import { concat, fromB64u, isU32, lp, toB64u, u32be, utf8 } from "./bytes";
import { CryptoError } from "./errors";
import { hkdf, hmacSha256 } from "./hkdf";
import { KEY_LEN, SIG_LEN, generateEd25519, sign, verify } from "./keys";
import { PAD_BLOCK, kdfCk } from "./ratchet";
import { systemRng, type Rng } from "./rng";
import { decodePlaintext, encodePlaintext, uuid, type Address, type Plaintext } from "./session";
import { sodium } from "./sodium";

export const SK_INFO = "Parley_SK_MSG_v1";
export const SK_MAX_SKIP = 1000;
export const SK_MAX_STORED = 2000;
const GROUP_LABEL = utf8("parley/group/v1");

export interface SenderKeyState {
  groupId: string;
  distId: string;
  owner: Address;
  iter: number; // iteration of ck: next to send, or lowest not yet received
  ck: string;
  sigPub: string;
  sigPriv: string | null; // only on the owner's side
  skipped: { iter: number; seed: string }[];
}

/** Body of a "skdm" message. */
export interface SenderKeyDistribution {
  groupId: string;
  distId: string;
  iter: number;
  ck: string;
  sigPub: string;
}

export interface GroupEnvelope {
  v: 1;
  type: "group";
  id: string;
  from: Address;
  groupId: string;
  distId: string;
  iter: number;
  ct: string;
  sig: string;
}

export function createSenderKey(groupId: string, owner: Address, rng: Rng = systemRng): SenderKeyState {
  const sig = generateEd25519(rng);
  return {
    groupId,
    distId: toB64u(rng(16)),
    owner: { ...owner },
    iter: 0,
    ck: toB64u(rng(32)),
    sigPub: toB64u(sig.pub),
    sigPriv: toB64u(sig.priv),
    skipped: [],
  };
}

export function distributionMessage(s: SenderKeyState): SenderKeyDistribution {
  return { groupId: s.groupId, distId: s.distId, iter: s.iter, ck: s.ck, sigPub: s.sigPub };
}

/** Receiver state from a distribution that arrived over the pairwise session with `from`. */
export function processDistribution(d: SenderKeyDistribution, from: Address): SenderKeyState {
  if (typeof d.groupId !== "string" || typeof d.distId !== "string" || !isU32(d.iter)) {
    throw new CryptoError("bad_format", "sender key distribution");
  }
  fromB64u(d.ck, 32);
  fromB64u(d.sigPub, KEY_LEN);
  return { groupId: d.groupId, distId: d.distId, owner: { ...from }, iter: d.iter, ck: d.ck, sigPub: d.sigPub, sigPriv: null, skipped: [] };
}

function header(groupId: string, distId: string, from: Address, iter: number): Uint8Array {
  return concat(GROUP_LABEL, lp(groupId), lp(distId), lp(from.u), u32be(from.d), u32be(iter));
}

function keys(seed: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
  const okm = hkdf(seed, new Uint8Array(32), SK_INFO, 56);
  return { key: okm.slice(0, 32), nonce: okm.slice(32) };
}

export function groupEncrypt(
  state: SenderKeyState,
  plaintext: Plaintext,
  opts: { id?: string; rng?: Rng } = {},
): { envelope: GroupEnvelope; state: SenderKeyState } {
  if (state.sigPriv === null) throw new CryptoError("no_session", "not our sender key");
  const s = sodium();
  const [next, seed] = kdfCk(fromB64u(state.ck, 32));
  const { key, nonce } = keys(seed);
  const hdr = header(state.groupId, state.distId, state.owner, state.iter);
  const ct = s.crypto_aead_xchacha20poly1305_ietf_encrypt(s.pad(encodePlaintext(plaintext), PAD_BLOCK), hdr, null, nonce, key);
  const envelope: GroupEnvelope = {
    v: 1,
    type: "group",
    id: opts.id ?? uuid(opts.rng),
    from: { ...state.owner },
    groupId: state.groupId,
    distId: state.distId,
    iter: state.iter,
    ct: toB64u(ct),
    sig: toB64u(sign(fromB64u(state.sigPriv, 64), concat(hdr, ct))),
  };
  return { envelope, state: { ...state, iter: state.iter + 1, ck: toB64u(next), skipped: [] } };
}

/** Verify, then decrypt; the input state is never modified. */
export function groupDecrypt(state: SenderKeyState, env: GroupEnvelope): { plaintext: Plaintext; state: SenderKeyState } {
  if (env.v !== 1 || env.type !== "group" || !isU32(env.iter) || typeof env.from !== "object" || env.from === null) {
    throw new CryptoError("bad_format", "group envelope");
  }
  if (env.groupId !== state.groupId || env.distId !== state.distId || env.from.u !== state.owner.u || env.from.d !== state.owner.d) {
    throw new CryptoError("no_session", "no sender key for this group/sender/distribution");
  }
  const ct = fromB64u(env.ct);
  const hdr = header(env.groupId, env.distId, env.from, env.iter);
  if (!verify(fromB64u(state.sigPub, KEY_LEN), concat(hdr, ct), fromB64u(env.sig, SIG_LEN))) {
    throw new CryptoError("bad_signature", "group message signature invalid");
  }

  const next: SenderKeyState = { ...state, skipped: state.skipped.map((k) => ({ ...k })) };
  let seed: Uint8Array;
  if (env.iter < state.iter) {
    const i = next.skipped.findIndex((k) => k.iter === env.iter);
    if (i < 0) throw new CryptoError("duplicate", "group message key already used");
    seed = fromB64u(next.skipped[i]!.seed, 32);
    next.skipped.splice(i, 1);
  } else {
    if (env.iter - state.iter > SK_MAX_SKIP) throw new CryptoError("too_far_ahead", "too many skipped group messages");
    let ck = fromB64u(state.ck, 32);
    for (let it = state.iter; it < env.iter; it++) {
      const [c, sd] = kdfCk(ck);
      next.skipped.push({ iter: it, seed: toB64u(sd) });
      ck = c;
    }
    const [c, sd] = kdfCk(ck);
    seed = sd;
    next.ck = toB64u(c);
    next.iter = env.iter + 1;
    if (next.skipped.length > SK_MAX_STORED) next.skipped.splice(0, next.skipped.length - SK_MAX_STORED);
  }
  const { key, nonce } = keys(seed);
  const s = sodium();
  let padded: Uint8Array;
  try {
    padded = s.unpad(s.crypto_aead_xchacha20poly1305_ietf_decrypt(null, ct, hdr, nonce, key), PAD_BLOCK);
  } catch {
    throw new CryptoError("decrypt_failed", "group message authentication failed");
  }
  return { plaintext: decodePlaintext(padded), state: next };
}

// Exposed for the known-answer test of the chain (seed = HMAC(ck, 1)).
export const senderKeySeed = (ck: Uint8Array): Uint8Array => hmacSha256(ck, Uint8Array.of(0x01));
