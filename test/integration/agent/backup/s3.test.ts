// The backup task kind into an S3 repository (the harness's S3 server), and through an S3 that
// fails: the task throws a retryable error and leaves no manifest, and a retry completes it.
import { randomBytes } from "node:crypto";
import { BackupPhase, type RepositoryAccess } from "@lifeboat/proto";
import { Repository, listBackups, newRecordId, openStorage } from "@lifeboat/shared/repo";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startS3FaultProxy, type S3FaultProxy } from "../../../harness/src/s3-fault-proxy.js";
import { startS3Server, type RunningS3Server } from "../../../harness/src/s3-server.js";
import { apiControllers } from "../../kube-emulator/support/clusters.js";
import { useClientNode } from "../../kube-emulator/support/client-node.js";
import { PASSWORD, blobNames, initRepository, manifestItemNames, readManifest, readRepository, runBackupTask } from "./support/backup-runner.js";

describe("backing up into S3", () => {
  const cluster = useClientNode({ k8sVersion: "1.30", controllers: apiControllers }, "backup-s3");
  let server: RunningS3Server;
  let proxy: S3FaultProxy;
  let ns: string;

  beforeAll(async () => {
    server = await startS3Server();
    proxy = await startS3FaultProxy(server.endpoint);
    ns = await cluster.namespace();
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: "settings" }, data: { color: "blue" } } });
    await cluster.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: "token" }, stringData: { token: "t0k3n" } } });
  });

  afterAll(async () => {
    await proxy?.stop();
    await server?.stop();
  });

  const key = () => ({ accessKeyId: server.accessKeyId, secretAccessKey: server.secretAccessKey });

  async function bucketRepository(endpoint: string): Promise<RepositoryAccess> {
    const bucket = `backup-${randomBytes(6).toString("hex")}`;
    await server.createBucket(bucket);
    return initRepository(`s3://${bucket}/fleet?endpoint=${encodeURIComponent(endpoint)}&region=${server.region}&pathStyle=true`, key());
  }

  it("writes items, log, results and manifest that read back from the bucket", async () => {
    const access = await bucketRepository(server.endpoint);
    const run = await runBackupTask({ kc: cluster.kc, access, spec: { includedNamespaces: [ns] } });
    expect(run.result.phase).toBe(BackupPhase.COMPLETED);
    const manifest = await readManifest(access, run.id);
    expect(manifestItemNames(manifest)).toEqual([`configmaps/${ns}/settings`, `namespaces//${ns}`, `secrets/${ns}/token`]);
    const settings = manifest.items.find((i) => i.name === "settings")!;
    const json = await readRepository(access, async (repo) => JSON.parse(Buffer.from(await repo.content.getContent(settings.content)).toString("utf8")));
    expect(json).toMatchObject({ apiVersion: "v1", kind: "ConfigMap", data: { color: "blue" }, metadata: { name: "settings", namespace: ns } });
  });

  it("throws a retryable error and leaves no manifest when S3 keeps failing, and a retry of the same backup completes", async () => {
    const access = await bucketRepository(server.endpoint);
    const viaProxy = access.url.replace(encodeURIComponent(server.endpoint), encodeURIComponent(proxy.endpoint));
    const id = newRecordId();
    proxy.heal();
    // Opened while S3 answers; it fails from the first write of the backup on.
    const openThenBreak = async () => {
      const storage = openStorage(viaProxy, { credentials: key(), maxAttempts: 2 });
      const repo = await Repository.open(storage, PASSWORD);
      proxy.failFor(60_000, "internal-error");
      return repo;
    };
    await expect(runBackupTask({ id, kc: cluster.kc, access, spec: { includedNamespaces: [ns] }, openRepository: openThenBreak })).rejects.toMatchObject({ retryable: true });
    proxy.heal();
    const direct = openStorage(access.url, { credentials: key() });
    try {
      expect(await blobNames(direct, `backups/${id}/`)).not.toContain(`backups/${id}/manifest`);
    } finally {
      await direct.close();
    }
    expect(await readRepository(access, (repo) => listBackups(repo.manifests))).toEqual([]);

    const retried = await runBackupTask({ id, kc: cluster.kc, access, spec: { includedNamespaces: [ns] } });
    expect(retried.result.phase).toBe(BackupPhase.COMPLETED);
    expect(manifestItemNames(await readManifest(access, id))).toEqual([`configmaps/${ns}/settings`, `namespaces//${ns}`, `secrets/${ns}/token`]);
  });
});
