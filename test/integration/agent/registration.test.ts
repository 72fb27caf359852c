import "reflect-metadata";
import { X509Certificate, createPublicKey } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";
import type { RunningAgent } from "@lifeboat/agent";
import { startEmulator, type RunningEmulator } from "@lifeboat/kube-emulator";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { captureLogs, startTestAgent, tempDir, waitUntil } from "./support/agent-fixture.js";
import { startFakeHub, type FakeHub } from "./support/fake-hub.js";

let emulator: RunningEmulator;
let kubeDir: Awaited<ReturnType<typeof tempDir>>;
let kubeconfig: string;
const running: RunningAgent[] = [];

beforeAll(async () => {
  kubeDir = await tempDir("lifeboat-agent-registration-");
  kubeconfig = join(kubeDir.path, "kubeconfig");
  emulator = await startEmulator({ k8sVersion: "1.16", kubeconfigPath: kubeconfig, controllers: [] });
});

afterAll(async () => {
  await emulator?.stop();
  await kubeDir?.remove();
});

afterEach(async () => {
  await Promise.all(running.splice(0).map((agent) => agent.stop()));
});

async function track(agent: Promise<RunningAgent>): Promise<RunningAgent> {
  const started = await agent;
  running.push(started);
  return started;
}

/** Public key of a PEM certificate or CSR, as SPKI DER, to compare keys. */
function spkiOf(publicKey: x509.PublicKey | X509Certificate): Buffer {
  if (publicKey instanceof X509Certificate) return publicKey.publicKey.export({ type: "spki", format: "der" });
  return createPublicKey({ key: Buffer.from(publicKey.rawData), format: "der", type: "spki" }).export({ type: "spki", format: "der" });
}

describe("registration", () => {
  let hub: FakeHub;
  let state: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    hub = await startFakeHub({ tokens: ["first-token-3f9a"] });
    state = await tempDir("lifeboat-agent-state-");
  });

  afterAll(async () => {
    await hub?.close();
    await state?.remove();
  });

  it("registers with the token, the cluster's fingerprint and versions, and a CSR for a key it keeps", async () => {
    const logs = captureLogs();
    const agent = await track(startTestAgent(hub, { stateDir: state.path, kubeconfig, token: "first-token-3f9a", clusterName: "edge-1", logger: logs.logger }));

    expect(hub.registrations).toHaveLength(1);
    const request = hub.registrations[0]!;
    expect(request).toMatchObject({
      token: "first-token-3f9a",
      fingerprint: emulator.kubeSystemUid,
      kubernetesVersion: emulator.persona.version.gitVersion,
      clusterName: "edge-1",
    });
    expect(request.agentVersion).toMatch(/^\d+\.\d+\.\d+/);

    const csr = new x509.Pkcs10CertificateRequest(request.csrPem);
    expect(await csr.verify()).toBe(true);
    expect(csr.subject).toBe(`CN=${emulator.kubeSystemUid}`);

    // The identity on disk: the hub's certificate for the CSR's key, the key itself, 0600 files.
    const dir = join(state.path, "identity");
    const certificate = new X509Certificate(await readFile(join(dir, "tls.crt"), "utf8"));
    expect(spkiOf(certificate).equals(spkiOf(csr.publicKey))).toBe(true);
    expect(certificate.checkPrivateKey((await import("node:crypto")).createPrivateKey(await readFile(join(dir, "tls.key"), "utf8")))).toBe(true);
    expect((await readFile(join(dir, "cluster-id"), "utf8")).trim()).toBe(agent.clusterId);
    expect((await readFile(join(dir, "hub-address"), "utf8")).trim()).toBe(hub.address);
    expect((await readFile(join(dir, "ca.crt"), "utf8")).trim()).toBe(hub.ca.certificatePem.trim());
    for (const file of ["tls.key", "tls.crt", "ca.crt", "cluster-id", "hub-address"]) {
      expect(((await stat(join(dir, file))).mode & 0o777).toString(8)).toBe("600");
    }

    // mTLS with the new certificate: the hub knows the cluster from it.
    const stream = await hub.nextStream();
    expect(stream.clusterId).toBe(agent.clusterId);
    await stream.waitFor("credits");

    const logged = logs.lines.join("\n");
    expect(logged).toContain(agent.clusterId);
    expect(logged).not.toContain("first-token-3f9a");
    expect(logged).not.toContain("PRIVATE KEY");
    expect(logged).not.toContain("CERTIFICATE");
  });

  it("restarted with the same state directory, connects without registering again", async () => {
    const clusterId = (await readFile(join(state.path, "identity", "cluster-id"), "utf8")).trim();
    const restarted = await track(startTestAgent(hub, { stateDir: state.path, kubeconfig, logger: captureLogs().logger }));
    expect(restarted.clusterId).toBe(clusterId);
    expect(hub.registrations).toHaveLength(1);
    const stream = await hub.nextStream();
    expect(stream.clusterId).toBe(clusterId);
    expect((await stream.waitFor("hello")).fingerprint).toBe(emulator.kubeSystemUid);
  });

  it("stops with an error telling the operator to register again when the hub refuses its identity", async () => {
    const agent = await track(startTestAgent(hub, { stateDir: state.path, kubeconfig, logger: captureLogs().logger }));
    const stream = await hub.nextStream();
    await stream.waitFor("credits");
    hub.revoke(agent.clusterId);
    stream.drop();
    const failure = await agent.done.then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toMatchObject({ code: "UNAUTHENTICATED", field: "token" });
    expect((failure as Error).message).toMatch(/register again/i);
    expect((failure as Error).message).toContain("new registration token");
    expect(hub.registrations).toHaveLength(1);
  });

  it("given a new token, registers again in place of a refused identity and keeps the cluster id", async () => {
    const clusterId = (await readFile(join(state.path, "identity", "cluster-id"), "utf8")).trim();
    hub.addToken("second-token-77c1");
    const streamsBefore = hub.streams.length;
    const agent = await track(startTestAgent(hub, { stateDir: state.path, kubeconfig, token: "second-token-77c1", logger: captureLogs().logger }));
    // The stored identity is tried first; refused, the agent registers with the token and reconnects.
    await waitUntil(() => hub.registrations.length === 2, 10_000, "a second registration");
    expect(hub.registrations[1]).toMatchObject({ token: "second-token-77c1", fingerprint: emulator.kubeSystemUid });
    await waitUntil(() => hub.streams.length > streamsBefore, 10_000, "a stream after registering again");
    expect(hub.streams.at(-1)?.clusterId).toBe(clusterId);
    expect(agent.clusterId).toBe(clusterId);
  });
});

describe("without an identity", () => {
  let hub: FakeHub;

  beforeAll(async () => {
    hub = await startFakeHub({ tokens: ["good-token-0b2e"] });
  });

  afterAll(async () => {
    await hub?.close();
  });

  it("refuses to start without a registration token, saying what to do", async () => {
    const state = await tempDir("lifeboat-agent-state-");
    try {
      const failure = await startTestAgent(hub, { stateDir: state.path, kubeconfig, logger: captureLogs().logger }).catch((err: unknown) => err);
      expect(failure).toMatchObject({ code: "FAILED_PRECONDITION", field: "token" });
      expect((failure as Error).message).toContain("registration token");
      expect(hub.registrations).toHaveLength(0);
    } finally {
      await state.remove();
    }
  });

  it("fails UNAUTHENTICATED for a refused token, without the token in the error or the log", async () => {
    const state = await tempDir("lifeboat-agent-state-");
    const logs = captureLogs();
    try {
      const failure = await startTestAgent(hub, { stateDir: state.path, kubeconfig, token: "wrong-token-51d0", logger: logs.logger }).catch(
        (err: unknown) => err,
      );
      expect(failure).toMatchObject({ code: "UNAUTHENTICATED", field: "token" });
      expect((failure as Error).message).not.toContain("wrong-token-51d0");
      expect(logs.lines.join("\n")).not.toContain("wrong-token-51d0");
      await expect(stat(join(state.path, "identity"))).rejects.toMatchObject({ code: "ENOENT" });
    } finally {
      await state.remove();
    }
  });
});

describe("certificate renewal", () => {
  let hub: FakeHub;
  let state: Awaited<ReturnType<typeof tempDir>>;

  beforeAll(async () => {
    // 90-minute certificates issued 70 minutes ago: 20 minutes left, under a third of the lifetime.
    hub = await startFakeHub({ tokens: ["renew-token-a41c"], certificateLifetimeMs: 90 * 60_000, certificateAgeMs: 70 * 60_000 });
    state = await tempDir("lifeboat-agent-state-");
  });

  afterAll(async () => {
    await hub?.close();
    await state?.remove();
  });

  it("renews its certificate over the stream when a third of its life is left, and connects with the new one next time", async () => {
    await track(startTestAgent(hub, { stateDir: state.path, kubeconfig, token: "renew-token-a41c", logger: captureLogs().logger }));
    const first = await hub.nextStream();
    expect(first.peerSerial).toBe(hub.issuedSerials[0]);
    const keyBefore = await readFile(join(state.path, "identity", "tls.key"), "utf8");

    const renewal = await first.waitFor("renewCertificate");
    const csr = new x509.Pkcs10CertificateRequest(renewal.csrPem);
    expect(await csr.verify()).toBe(true);
    await expect.poll(async () => (await readFile(join(state.path, "identity", "tls.key"), "utf8")) !== keyBefore, { timeout: 10_000 }).toBe(true);
    const certificate = new X509Certificate(await readFile(join(state.path, "identity", "tls.crt"), "utf8"));
    expect(certificate.serialNumber.toLowerCase()).toBe(hub.issuedSerials[1]!.toLowerCase());
    expect(spkiOf(certificate).equals(spkiOf(csr.publicKey))).toBe(true);

    first.drop();
    const second = await hub.nextStream();
    expect(second.peerSerial?.toLowerCase()).toBe(hub.issuedSerials[1]!.toLowerCase());
    expect(hub.registrations).toHaveLength(1);
  });
});
