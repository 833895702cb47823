/*
 * X3DH key agreement (signal.org/docs/specifications/x3dh, e2e.md "Protocol
 * parameters"), with Parley's split identity: ikSig (Ed25519) signs, ikDh
 * (X25519) agrees.
 *
 *   DH1 = DH(IKa, SPKb)  DH2 = DH(EKa, IKb)  DH3 = DH(EKa, SPKb)  [DH4 = DH(EKa, OPKb)]
 *   SK  = HKDF(salt = 32×0x00, ikm = 32×0xFF ‖ DH1 ‖ DH2 ‖ DH3 [‖ DH4], "Parley_X3DH_v1", 32)
 *   AD  = ikSigA ‖ ikDhA ‖ ikSigB ‖ ikDhB
 *
 * The initiator aborts on a bad SPK or ikDh signature. The X3DH header also
 * carries ikDhSig so the responder can check that ikDhA belongs to ikSigA
 * (otherwise anyone could claim another user's ikSig with their own ikDh).
 */
import { concat, fromB64u, isU32, toB64u } from "./bytes";
import { CryptoError } from "./errors";
import { hkdf } from "./hkdf";
import {
  KEY_LEN,
  SIG_LEN,
  dh,
  generateX25519,
  verifyIkDh,
  verifySignedPreKey,
  type DeviceIdentity,
  type OneTimePreKey,
  type PreKeyBundle,
  type SignedPreKey,
} from "./keys";
import { systemRng, type Rng } from "./rng";
import { sodium } from "./sodium";

export const X3DH_INFO = "Parley_X3DH_v1";

/** The "x3dh" field of a prekey envelope. */
export interface X3dhHeader {
  ikSig: string;
  ikDh: string;
  ikDhSig: string;
  ek: string;
  spkId: number;
  opkId?: number;
}

export interface X3dhInitiated {
  sk: Uint8Array;
  ad: Uint8Array;
  header: X3dhHeader;
  /** Bob's SPK: the first remote ratchet key. */
  remoteSpk: Uint8Array;
}

function deriveSk(dhs: Uint8Array[]): Uint8Array {
  const ikm = concat(new Uint8Array(32).fill(0xff), ...dhs);
  const sk = hkdf(ikm, new Uint8Array(32), X3DH_INFO, 32);
  sodium().memzero(ikm);
  for (const d of dhs) sodium().memzero(d);
  return sk;
}

/** Alice: agree with a fetched bundle. Throws bad_signature / weak_key. */
export function x3dhInitiate(own: DeviceIdentity, bundle: PreKeyBundle, rng: Rng = systemRng): X3dhInitiated {
  if (!verifyIkDh(bundle.ikSig, bundle.ikDh, bundle.ikDhSig)) {
    throw new CryptoError("bad_signature", "bundle ikDh signature invalid");
  }
  const spk = bundle.signedPreKey;
  if (!verifySignedPreKey(bundle.ikSig, spk.id, spk.pub, spk.sig)) {
    throw new CryptoError("bad_signature", "signed prekey signature invalid");
  }
  const ek = generateX25519(rng);
  const dhs = [dh(own.ikDh.priv, spk.pub), dh(ek.priv, bundle.ikDh), dh(ek.priv, spk.pub)];
  if (bundle.oneTimePreKey) dhs.push(dh(ek.priv, bundle.oneTimePreKey.pub));
  sodium().memzero(ek.priv); // ephemeral private key deleted at once
  const header: X3dhHeader = {
    ikSig: toB64u(own.ikSig.pub),
    ikDh: toB64u(own.ikDh.pub),
    ikDhSig: toB64u(own.ikDhSig),
    ek: toB64u(ek.pub),
    spkId: spk.id,
  };
  if (bundle.oneTimePreKey) header.opkId = bundle.oneTimePreKey.id;
  return {
    sk: deriveSk(dhs),
    ad: concat(own.ikSig.pub, own.ikDh.pub, bundle.ikSig, bundle.ikDh),
    header,
    remoteSpk: spk.pub,
  };
}

/** Decoded X3DH header; throws bad_format / bad_signature. */
export function parseX3dhHeader(h: unknown): { ikSig: Uint8Array; ikDh: Uint8Array; ek: Uint8Array; spkId: number; opkId: number | null } {
  if (typeof h !== "object" || h === null) throw new CryptoError("bad_format", "x3dh header missing");
  const r = h as Record<string, unknown>;
  if (!isU32(r.spkId)) throw new CryptoError("bad_format", "x3dh spkId");
  if (r.opkId !== undefined && r.opkId !== null && !isU32(r.opkId)) throw new CryptoError("bad_format", "x3dh opkId");
  const ikSig = fromB64u(r.ikSig, KEY_LEN);
  const ikDh = fromB64u(r.ikDh, KEY_LEN);
  if (!verifyIkDh(ikSig, ikDh, fromB64u(r.ikDhSig, SIG_LEN))) {
    throw new CryptoError("bad_signature", "initiator ikDh signature invalid");
  }
  return { ikSig, ikDh, ek: fromB64u(r.ek, KEY_LEN), spkId: r.spkId, opkId: isU32(r.opkId) ? r.opkId : null };
}

/**
 * Bob: agree from Alice's header with the SPK and OPK it names (the caller
 * looks them up by id; pass null for opk when header has no opkId).
 */
export function x3dhRespond(
  own: DeviceIdentity,
  spk: SignedPreKey,
  opk: OneTimePreKey | null,
  header: X3dhHeader,
): { sk: Uint8Array; ad: Uint8Array } {
  const h = parseX3dhHeader(header);
  if (spk.id !== h.spkId) throw new CryptoError("missing_prekey", "wrong signed prekey");
  if ((h.opkId === null) !== (opk === null) || (opk && opk.id !== h.opkId)) {
    throw new CryptoError("missing_prekey", "one-time prekey missing or mismatched");
  }
  const dhs = [dh(spk.keyPair.priv, h.ikDh), dh(own.ikDh.priv, h.ek), dh(spk.keyPair.priv, h.ek)];
  if (opk) dhs.push(dh(opk.keyPair.priv, h.ek));
  return { sk: deriveSk(dhs), ad: concat(h.ikSig, h.ikDh, own.ikSig.pub, own.ikDh.pub) };
}
