import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { startEmulator, type RunningEmulator } from "@lifeboat/kube-emulator";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { RunningAgent } from "@lifeboat/agent";
import { freePort } from "../../harness/src/free-port.js";
import { captureLogs, startTestAgent, tempDir } from "./support/agent-fixture.js";
import { startFakeHub, type FakeHub } from "./support/fake-hub.js";

// An agent given several hub replicas (stand-ins sharing one CA, as replicas share the data
// dir's): it registers with one, and every time its stream ends it connects to the next.

let emulator: RunningEmulator;
let dir: Awaited<ReturnType<typeof tempDir>>;
let replicas: FakeHub[];
const agents: RunningAgent[] = [];

beforeAll(async () => {
  dir = await tempDir("lifeboat-agent-replicas-");
  emulator = await startEmulator({ k8sVersion: "1.30", kubeconfigPath: join(dir.path, "emulator.kubeconfig"), controllers: [] });
});
afterEach(async () => {
  for (const agent of agents.splice(0)) await agent.stop();
  for (const replica of replicas ?? []) await replica.close();
});
afterAll(async () => {
  await emulator?.stop();
  await dir?.remove();
});

async function startReplicas(count: number, token: string): Promise<FakeHub[]> {
  const first = await startFakeHub({ tokens: [token] });
  replicas = [first];
  while (replicas.length < count) replicas.push(await startFakeHub({ tokens: [token], ca: first.ca }));
  return replicas;
}

/** Which replica (index) opened a stream not yet looked at, waiting for it. */
async function nextStreamAt(hubs: FakeHub[], seen: number[]): Promise<{ index: number; drop(): void }> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    for (const [index, hub] of hubs.entries()) {
      if (hub.streams.length > (seen[index] ?? 0)) {
        const stream = hub.streams[seen[index] ?? 0]!;
        seen[index] = (seen[index] ?? 0) + 1;
        await stream.waitFor("hello");
        return { index, drop: () => stream.drop() };
      }
    }
    if (Date.now() > deadline) throw new Error("no new stream on any replica within 10 s");
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe("an agent given several hub replicas", () => {
  it("registers with one, stores every address, and moves to the next replica each time its stream ends", async () => {
    const hubs = await startReplicas(3, "t0k3n-replicas");
    const state = await tempDir("lifeboat-agent-state-");
    try {
      const agent = await startTestAgent(hubs[0]!, {
        hubAddress: undefined,
        hubAddresses: hubs.map((h) => h.address),
        stateDir: state.path,
        kubeconfig: emulator.kubeconfigPath!,
        token: "t0k3n-replicas",
        logger: captureLogs().logger,
      });
      agents.push(agent);
      expect(hubs.map((h) => h.registrations.length).reduce((a, b) => a + b)).toBe(1);
      expect(await readFile(join(state.path, "identity", "hub-address"), "utf8")).toBe(`${hubs.map((h) => h.address).join("\n")}\n`);

      const seen: number[] = [];
      let stream = await nextStreamAt(hubs, seen);
      const order = [stream.index];
      for (let i = 0; i < 3; i++) {
        stream.drop();
        stream = await nextStreamAt(hubs, seen);
        order.push(stream.index);
      }
      // Round the list from wherever it started.
      expect(order).toEqual([0, 1, 2, 3].map((i) => (order[0]! + i) % 3));
    } finally {
      await state.remove();
    }
  });

  it("gets past a replica that is down, and takes a new list at a restart", async () => {
    const hubs = await startReplicas(2, "t0k3n-down");
    const down = `127.0.0.1:${await freePort()}`;
    const state = await tempDir("lifeboat-agent-state-");
    try {
      const options = { stateDir: state.path, kubeconfig: emulator.kubeconfigPath!, logger: captureLogs().logger };
      // Registration and the stream reach the live replica whichever address comes first.
      const agent = await startTestAgent(hubs[0]!, { ...options, hubAddress: `${down},${hubs[0]!.address}`, token: "t0k3n-down" });
      agents.push(agent);
      await (await hubs[0]!.nextStream()).waitFor("hello");
      await agent.stop();
      agents.pop();

      // Restarted with another list: it replaces the stored one, and no registration is needed.
      const again = await startTestAgent(hubs[1]!, { ...options, hubAddress: hubs[1]!.address });
      agents.push(again);
      await (await hubs[1]!.nextStream()).waitFor("hello");
      expect(hubs[1]!.registrations).toEqual([]);
      expect(await readFile(join(state.path, "identity", "hub-address"), "utf8")).toBe(`${hubs[1]!.address}\n`);
    } finally {
      await state.remove();
    }
  });

  it("refuses an address that is not host:port, naming it", async () => {
    const state = await tempDir("lifeboat-agent-state-");
    try {
      const hubs = await startReplicas(1, "t0k3n-bad");
      await expect(
        startTestAgent(hubs[0]!, { hubAddresses: ["hub.example:7443", "https://hub.example"], stateDir: state.path, kubeconfig: emulator.kubeconfigPath!, token: "t0k3n-bad" }),
      ).rejects.toMatchObject({ code: "INVALID_ARGUMENT", field: "hubAddresses", value: "https://hub.example" });
      expect(hubs[0]!.registrations).toEqual([]);
    } finally {
      await state.remove();
    }
  });
});
