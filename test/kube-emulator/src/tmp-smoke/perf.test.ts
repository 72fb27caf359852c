import { startEmulator } from "@lifeboat/kube-emulator";
import { test } from "vitest";
test("perf", async () => {
  const e = await startEmulator({ nodes: 3, k8sVersion: "1.30", controllers: (process.env.CTRL ?? "scheduler,kubelet").split(",").filter(Boolean) as any });
  const info = e.service.registry.lookup("", "v1", "pods")!;
  const nsInfo = e.service.registry.lookup("", "v1", "namespaces")!;
  for (let n = 0; n < 100; n++) e.service.create(nsInfo, undefined, { metadata: { name: `ns${n}` } });
  const t0 = performance.now();
  for (let i = 0; i < 10000; i++) {
    e.service.create(info, `ns${i % 100}`, { metadata: { name: `p${i}` }, spec: { containers: [{ name: "c", image: "nginx:1.25" }] } });
    if (i % 500 === 0) await new Promise((r) => setImmediate(r));
  }
  const t1 = performance.now();
  for (;;) {
    let running = 0;
    for (const p of e.service.store.list("/pods").items) if ((p.status as any)?.phase === "Running") running++;
    if (running === 10000 || !process.env.CTRL?.includes("kubelet") && process.env.CTRL !== undefined) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const t2 = performance.now();
  console.log(`create ${(t1 - t0).toFixed(0)} ms, running after ${(t2 - t0).toFixed(0)} ms; events ${e.service.store.count("/events")}`);
  await e.stop();
});
