import { startEmulator } from "@lifeboat/kube-emulator";
import { test } from "vitest";
test("smoke", async () => {
  const e = await startEmulator({ nodes: 3, k8sVersion: "1.30" });
  const info = e.service.registry.lookup("", "v1", "pods")!;
  const cmInfo = e.service.registry.lookup("", "v1", "configmaps")!;
  e.service.create(cmInfo, "default", { metadata: { name: "cfg" }, data: { a: "hello", b: "world" } });
  for (let i = 0; i < 4; i++) e.service.create(info, "default", { metadata: { name: `p${i}` }, spec: { containers: [{ name: "c", image: "nginx:1.25" }], volumes: [{ name: "cfg", configMap: { name: "cfg" } }, { name: "tmp", emptyDir: {} }] } });
  e.service.create(info, "default", { metadata: { name: "job" }, spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } });
  e.service.create(info, "default", { metadata: { name: "sel" }, spec: { nodeSelector: { x: "y" }, containers: [{ name: "c", image: "busybox" }] } });
  await new Promise((r) => setTimeout(r, 700));
  for (const p of e.service.store.list("/pods", "default").items) console.log(p.metadata.name, JSON.stringify(p.spec.nodeName), JSON.stringify(p.status));
  for (const ev of e.service.store.list("/events", "default").items) console.log(ev.reason, ev.message);
  const { execSync } = await import("node:child_process");
  console.log(execSync(`find ${e.dataDir} | head -50; ls -la ${e.dataDir}/nodes/node-1/pods/*/volumes/kubernetes.io~configmap/cfg`).toString());
  await e.stop();
});
