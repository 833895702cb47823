import "fake-indexeddb/auto";
import { describe, expect, it } from "vitest";
import { openDB } from "idb";
import { openStore, type ParleyDB } from "./db";
import { acknowledgeIdentityChange, canSendTo, currentDeviceKeys, getContactTrust, learnDevices, markVerified } from "./trust";

let n = 0;
const fresh = () => openStore(`trust-test-${++n}`);
const key = (deviceId: number, ikSig: string) => ({ deviceId, ikSig });

/** Bob, first met through the full device list {1: k1}. */
async function metBob(db: ParleyDB) {
  expect(await learnDevices(db, "bob", { list: [1], keys: [key(1, "k1")] })).toBe("first");
}

describe("the current device set of a contact", () => {
  it("the first keys of a user are the baseline: nothing to show", async () => {
    const db = await fresh();
    expect(await getContactTrust(db, "bob")).toBeUndefined();
    await metBob(db);
    expect(await currentDeviceKeys(db, "bob")).toEqual([key(1, "k1")]);
    expect(await canSendTo(db, "bob")).toBe(true);
    db.close();
  });

  it("the same set again (every bundle fetch) is no change", async () => {
    const db = await fresh();
    await metBob(db);
    expect(await learnDevices(db, "bob", { list: [1], keys: [key(1, "k1")] })).toBe("same");
    expect(await learnDevices(db, "bob", { keys: [key(1, "k1")] })).toBe("same");
    expect(await learnDevices(db, "bob", { removed: [7] })).toBe("same");
    // A listed device without keys yet adds nothing.
    expect(await learnDevices(db, "bob", { list: [1, 2], keys: [key(1, "k1")] })).toBe("same");
    db.close();
  });

  it("a new device with a new key after first contact is a change", async () => {
    const db = await fresh();
    await metBob(db);
    expect(await learnDevices(db, "bob", { keys: [key(2, "k2")] })).toBe("changed");
    expect(await currentDeviceKeys(db, "bob")).toEqual([key(1, "k1"), key(2, "k2")]);
    db.close();
  });

  it("a removed device is a change and leaves the code", async () => {
    const db = await fresh();
    expect(await learnDevices(db, "bob", { list: [1, 2], keys: [key(1, "k1"), key(2, "k2")] })).toBe("first");
    expect(await learnDevices(db, "bob", { removed: [1] })).toBe("changed");
    expect(await currentDeviceKeys(db, "bob")).toEqual([key(2, "k2")]);
    // …also when a list no longer has it.
    expect(await learnDevices(db, "bob", { list: [], keys: [] })).toBe("changed");
    expect(await currentDeviceKeys(db, "bob")).toEqual([]);
    db.close();
  });

  it("a reinstall learned in one step (old device gone, new one) is one change; the code is over the new set only", async () => {
    const db = await fresh();
    await metBob(db);
    expect(await learnDevices(db, "bob", { removed: [1], keys: [key(2, "k2")] })).toBe("changed");
    expect(await currentDeviceKeys(db, "bob")).toEqual([key(2, "k2")]);
    expect(await learnDevices(db, "bob", { list: [2], keys: [key(2, "k2")] })).toBe("same");
    db.close();
  });

  it("a contact with no devices left is still known: their next device is a change, not a first contact", async () => {
    const db = await fresh();
    await metBob(db);
    expect(await learnDevices(db, "bob", { removed: [1] })).toBe("changed");
    expect(await learnDevices(db, "bob", { list: [2], keys: [key(2, "k2")] })).toBe("changed");
    db.close();
  });

  it("a key change on the same device id is a change", async () => {
    const db = await fresh();
    await metBob(db);
    expect(await learnDevices(db, "bob", { keys: [key(1, "k1-new")] })).toBe("changed");
    db.close();
  });

  it("first met through one device's message: the first full list completes the baseline", async () => {
    const db = await fresh();
    expect(await learnDevices(db, "bob", { keys: [key(3, "k3")] })).toBe("first");
    // Bob's other devices existed before we met: not news.
    expect(await learnDevices(db, "bob", { list: [1, 3], keys: [key(1, "k1"), key(3, "k3")] })).toBe("same");
    expect((await getContactTrust(db, "bob"))?.listed).toBe(true);
    // From now on a new device is.
    expect(await learnDevices(db, "bob", { list: [1, 3, 4], keys: [key(1, "k1"), key(3, "k3"), key(4, "k4")] })).toBe("changed");
    db.close();
  });

  it("…but a device gone by that first list is a change (a reinstall before we ever wrote to them)", async () => {
    const db = await fresh();
    expect(await learnDevices(db, "bob", { keys: [key(3, "k3")] })).toBe("first");
    expect(await learnDevices(db, "bob", { list: [5], keys: [key(5, "k5")] })).toBe("changed");
    db.close();
  });
});

describe("verification and the send hold", () => {
  it("a verified contact's change holds sending until acknowledged; verification is cleared", async () => {
    const db = await fresh();
    await metBob(db);
    await markVerified(db, "bob");
    expect(await getContactTrust(db, "bob")).toMatchObject({ verified: true, holdSends: false });
    expect(await canSendTo(db, "bob")).toBe(true);

    expect(await learnDevices(db, "bob", { removed: [1], keys: [key(2, "k2")] })).toBe("changed");
    expect(await getContactTrust(db, "bob")).toMatchObject({ verified: false, holdSends: true });
    expect(await canSendTo(db, "bob")).toBe(false);
    // Fetching the same set again does not release it.
    expect(await learnDevices(db, "bob", { list: [2], keys: [key(2, "k2")] })).toBe("same");
    expect(await canSendTo(db, "bob")).toBe(false);

    await acknowledgeIdentityChange(db, "bob");
    expect(await getContactTrust(db, "bob")).toMatchObject({ verified: false, holdSends: false });
    expect(await canSendTo(db, "bob")).toBe(true);
    db.close();
  });

  it("an unverified contact's change does not hold sending", async () => {
    const db = await fresh();
    await metBob(db);
    expect(await learnDevices(db, "bob", { keys: [key(2, "k2")] })).toBe("changed");
    expect(await canSendTo(db, "bob")).toBe(true);
    db.close();
  });

  it("a second change before acknowledging still holds; verifying again releases", async () => {
    const db = await fresh();
    await metBob(db);
    await markVerified(db, "bob");
    await learnDevices(db, "bob", { keys: [key(2, "k2")] });
    await learnDevices(db, "bob", { removed: [1] });
    expect(await canSendTo(db, "bob")).toBe(false);
    await markVerified(db, "bob");
    expect(await canSendTo(db, "bob")).toBe(true);
    db.close();
  });
});

describe("migration from version 1", () => {
  it("seeds the trust records from the known identities", async () => {
    const name = `trust-migrate-${++n}`;
    const v1 = await openDB(name, 1, {
      upgrade(up) {
        up.createObjectStore("identities", { keyPath: ["userId", "deviceId"] }).createIndex("byUser", "userId");
      },
    });
    const rec = (deviceId: number, ikSig: string, verified: boolean, changed: boolean) => ({
      userId: "bob",
      deviceId,
      ikSig,
      ikDh: "x",
      firstSeenAt: 0,
      verified,
      changed,
      previousIkSig: null,
    });
    await v1.put("identities", rec(2, "k2", true, true));
    await v1.put("identities", rec(1, "k1", true, false));
    v1.close();
    // Only the store the step to version 2 reads is needed here.
    const db = await openStore(name);
    expect(await getContactTrust(db, "bob")).toMatchObject({
      devices: [key(1, "k1"), key(2, "k2")],
      listed: false,
      verified: true,
      holdSends: true,
    });
    db.close();
  });
});
