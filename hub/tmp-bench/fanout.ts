import { connectHubRedis, Dispatcher, TaskQueue, type ClusterId } from "../src/index.js";
import { startRedis } from "../../test/harness/src/redis-server.js";

const N = 10_000;
const redis = await startRedis();
const hub = connectHubRedis({ url: redis.url, clientName: "bench" });
const queue = new TaskQueue({ redis: hub.command, prefix: "b:" });
const dispatcher = new Dispatcher({ queue, subscriber: hub.subscriber, leaseMs: 30_000 });
await dispatcher.start();
let completed = 0;
let resolveDone!: () => void;
const done = new Promise<void>((r) => (resolveDone = r));
const owners = new Map<string, string>();
for (let i = 0; i < N; i++) {
  const id = `c-${i}` as ClusterId;
  const s = dispatcher.attach(id, {
    send: (t) => void queue.complete(t.id, owners.get(id)!, { ok: true }).then(() => { if (++completed === N) resolveDone(); }),
  });
  owners.set(id, s.owner);
  s.addCredits(1);
}
const cpu = async () => { const i = await hub.command.info("cpu"); const m = (k: string) => Number(new RegExp(k + ":([\\d.]+)").exec(i)![1]); return m("used_cpu_user") + m("used_cpu_sys"); };
const cpu0 = await cpu(); const node0 = process.cpuUsage();
const t0 = performance.now();
await queue.enqueueMany(Array.from({ length: N }, (_, i) => ({ clusterId: `c-${i}` as ClusterId, kind: "backup", spec: { p: 1 } })));
const t1 = performance.now();
await done;
const t2 = performance.now();
const nodeCpu = process.cpuUsage(node0); console.log(`redis cpu ${((await cpu()) - cpu0).toFixed(2)} s, node cpu ${((nodeCpu.user + nodeCpu.system) / 1e6).toFixed(2)} s`);
console.log(`enqueue ${(t1 - t0).toFixed(0)} ms, total ${(t2 - t0).toFixed(0)} ms`);
const info = await hub.command.info("commandstats");
console.log(info.split("\n").filter((l) => /evalsha|cmdstat_eval:/.test(l)).join("\n"));
await dispatcher.stop();
await hub.close();
await redis.stop();
