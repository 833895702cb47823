/*
 * A poor network for call tests, on the loopback interface of the test run's
 * private network namespace (tests/run-all), for UDP only: media (RTP/RTCP,
 * TURN) suffers while HTTP and the WebSocket - TCP - do not.
 *
 * This machine's kernel has no netem (nor prio, fq_codel ...), so the link is
 * built from what it has: an htb class with a short pfifo caps UDP's rate
 * (excess is queued, then tail-dropped, like a real bottleneck), and an
 * iptables "statistic" rule drops a share of UDP packets at random on input
 * (on input, so the sender sees silent loss rather than EPERM).
 *
 * Refuses to touch a host's interfaces: only inside the run's own namespace
 * (PARLEY_TEST_IN_NETNS=1).
 */
import { execFileSync } from "node:child_process";

export interface Impairment {
  /** Random packet loss, percent. */
  lossPct?: number;
  /** Rate limit, kbit/s. */
  rateKbit?: number;
}

const TAG = "parley-test-shaping";

export function canShape(): boolean {
  return process.env.PARLEY_TEST_IN_NETNS === "1";
}

function run(cmd: string, ...args: string[]): void {
  execFileSync(cmd, args, { stdio: ["ignore", "ignore", "pipe"] });
}

/** Replaces any shaping on lo with `imp`, for UDP packets only. */
export function shapeUdp(imp: Impairment): void {
  if (!canShape()) throw new Error("shaping: not inside the test run's own network namespace");
  clearShaping();
  if (imp.rateKbit) {
    run("tc", "qdisc", "add", "dev", "lo", "root", "handle", "1:", "htb", "default", "10", "r2q", "1000");
    run("tc", "class", "add", "dev", "lo", "parent", "1:", "classid", "1:10", "htb", "rate", "10gbit");
    run("tc", "class", "add", "dev", "lo", "parent", "1:", "classid", "1:20", "htb", "rate", `${imp.rateKbit}kbit`);
    run("tc", "qdisc", "add", "dev", "lo", "parent", "1:20", "handle", "20:", "pfifo", "limit", "30");
    // IP protocol 17 (UDP) to the slow class; everything else keeps the default.
    run("tc", "filter", "add", "dev", "lo", "parent", "1:", "protocol", "ip", "prio", "1", "u32", "match", "ip", "protocol", "17", "0xff", "flowid", "1:20");
  }
  if (imp.lossPct) {
    run("iptables-legacy", "-A", "INPUT", "-p", "udp", "-m", "statistic", "--mode", "random", "--probability", String(imp.lossPct / 100),
      "-m", "comment", "--comment", TAG, "-j", "DROP");
  }
}

/** Removes all shaping (no error if there was none). */
export function clearShaping(): void {
  if (!canShape()) return;
  try {
    run("tc", "qdisc", "del", "dev", "lo", "root");
  } catch {
    // no qdisc was installed
  }
  try {
    run("iptables-legacy", "-F", "INPUT");
  } catch {
    // no rule was installed
  }
}
