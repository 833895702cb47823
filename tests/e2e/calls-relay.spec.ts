/*
 * "Protect IP address in calls" (issue 7, relay): A turns it on in Settings →
 * Privacy, so A's calls use iceTransportPolicy "relay" and media goes through
 * the stack's coturn. Proven from both ends: A's selected candidate pair is
 * relayed locally, B's pairs with A's relay candidate, and video flows.
 */
import { freshPhone, register } from "./accounts";
import { callScreen, debug, incoming, samplesOver, videoWidth } from "./call-helpers";
import { openChatWith, person, ready, send, startChat, type Person } from "./people";
import { expect, test } from "./fixtures";


test("a relay-only call carries its media through coturn", async ({ browser }) => {
  test.setTimeout(120_000);
  const a: Person = await person(browser);
  const b: Person = await person(browser);
  try {
    const phoneB = freshPhone();
    await register(a.page, "Rita", freshPhone());
    await register(b.page, "Remy", phoneB);
    await Promise.all([ready(a.page), ready(b.page)]);

    await a.page.getByRole("button", { name: "Settings", exact: true }).first().click();
    await a.page.getByRole("button", { name: /^Privacy/ }).click();
    const sw = a.page.getByRole("switch", { name: /Protect IP address in calls/ });
    await expect(sw).not.toBeChecked();
    await sw.check();
    await expect(sw).toBeChecked();
    // The setting is the server's: it survives a reload.
    await a.page.reload();
    await ready(a.page);
    await a.page.getByRole("button", { name: "Settings", exact: true }).first().click();
    await a.page.getByRole("button", { name: /^Privacy/ }).click();
    await expect(a.page.getByRole("switch", { name: /Protect IP address in calls/ })).toBeChecked();
    await a.page.getByRole("button", { name: "Back" }).click();
    await a.page.getByRole("button", { name: "Back" }).click();

    await startChat(a.page, phoneB);
    await send(a.page, "relay me");
    await openChatWith(b.page, "Rita");
    await a.page.getByRole("button", { name: "Video call", exact: true }).click();
    await incoming(b.page).getByRole("button", { name: "Accept" }).click({ timeout: 15_000 });
    await expect(callScreen(a.page)).toHaveAttribute("data-call-state", "active", { timeout: 15_000 });
    await expect(callScreen(b.page)).toHaveAttribute("data-call-state", "active", { timeout: 15_000 });
    await expect.poll(() => videoWidth(b.page, "Rita's video"), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => videoWidth(a.page, "Remy's video"), { timeout: 15_000 }).toBeGreaterThan(0);

    const [a1, a2] = await samplesOver(a.page, 1500);
    expect(a2.localType).toBe("relay");
    expect(a2.inVideo.bytes).toBeGreaterThan(a1.inVideo.bytes);
    const [b1, b2] = await samplesOver(b.page, 1500);
    expect(b2.remoteType).toBe("relay");
    expect(b2.inVideo.framesDecoded).toBeGreaterThan(b1.inVideo.framesDecoded);
    console.log(`relay-only: A ${a2.localType}→${a2.remoteType}, B ${b2.localType}→${b2.remoteType}, rtt ${(await debug(a.page)).quality?.rttMs} ms`);

    await a.page.getByRole("button", { name: "End call", exact: true }).click();
    await expect(callScreen(b.page)).toHaveAttribute("data-call-state", "ended", { timeout: 10_000 });
    expect(a.errors).toEqual([]);
    expect(b.errors).toEqual([]);
  } finally {
    await a.ctx.close();
    await b.ctx.close();
  }
});
