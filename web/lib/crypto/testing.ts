/*
 * Test fixtures shared by the lib/crypto and lib/store tests: a device with
 * its prekeys and the bundle the key directory would hand out. Not imported
 * by application code.
 */
import {
  generateIdentity,
  generateOneTimePreKeys,
  generateSignedPreKey,
  type DeviceIdentity,
  type OneTimePreKey,
  type PreKeyBundle,
  type SignedPreKey,
} from "./keys";
import { seededRng, type Rng } from "./rng";

export interface TestDevice {
  identity: DeviceIdentity;
  spk: SignedPreKey;
  opks: OneTimePreKey[];
  rng: Rng;
}

export function makeDevice(seed: string, opkCount = 3): TestDevice {
  const rng = seededRng(seed);
  const identity = generateIdentity(rng);
  return { identity, spk: generateSignedPreKey(identity, 7, rng, 1_700_000_000_000), opks: generateOneTimePreKeys(42, opkCount, rng), rng };
}

/** The bundle of `dev` as fetched; `opk` picks one of its OPKs by index (null: none left). */
export function bundleOf(dev: TestDevice, deviceId = 1, opk: number | null = 0): PreKeyBundle {
  const o = opk === null ? null : dev.opks[opk]!;
  return {
    deviceId,
    ikSig: dev.identity.ikSig.pub,
    ikDh: dev.identity.ikDh.pub,
    ikDhSig: dev.identity.ikDhSig,
    signedPreKey: { id: dev.spk.id, pub: dev.spk.keyPair.pub, sig: dev.spk.sig },
    oneTimePreKey: o ? { id: o.id, pub: o.keyPair.pub } : null,
  };
}
