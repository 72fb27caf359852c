// Loads the dataset into the emulator over plain HTTP, a bounded number of creates in flight:
// the emulator has no bulk path, and parallel POSTs keep its one core busy.
import { performance } from "node:perf_hooks";
import { request, runPool, type HttpTarget } from "../common/http.js";
import { crd, crdGroup, crdPlural, namespaceBody, namespaceName, planObjects } from "./dataset.js";

export interface LoadFigures {
  namespaces: number;
  objects: number;
  seconds: number;
  objectsPerSecond: number;
  meanRequestBytes: number;
}

export interface LoadOptions {
  objects: number;
  namespaces: number;
  concurrency: number;
  log: (line: string) => void;
}

async function create(http: HttpTarget, path: string, body: string, what: string): Promise<void> {
  const res = await request(http, "POST", path, body);
  if (res.status !== 201) throw new Error(`create ${what}: ${res.status} ${res.body.toString().slice(0, 500)}`);
}

/** Creates the CRD and waits until the API serves its resource in both versions. */
async function createCrd(http: HttpTarget): Promise<void> {
  await create(http, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", JSON.stringify(crd), `CRD ${crd.metadata.name}`);
  const deadline = Date.now() + 60_000;
  for (;;) {
    const served = await Promise.all(
      ["v1", "v1beta1"].map(async (v) => {
        const res = await request(http, "GET", `/apis/${crdGroup}/${v}`);
        return res.status === 200 && res.body.toString().includes(`"${crdPlural}"`);
      }),
    );
    if (served.every(Boolean)) return;
    if (Date.now() > deadline) throw new Error(`CRD ${crd.metadata.name} not served within 60 s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function loadDataset(http: HttpTarget, options: LoadOptions): Promise<LoadFigures> {
  const started = performance.now();
  await createCrd(http);
  const nsIndexes = Array.from({ length: options.namespaces }, (_, i) => i)[Symbol.iterator]();
  await runPool(nsIndexes, options.concurrency, (i) => create(http, "/api/v1/namespaces", namespaceBody(i), `namespace ${namespaceName(i)}`));
  let created = 0;
  let bodyBytes = 0;
  const progress = setInterval(() => options.log(`  ${created.toLocaleString("en-US")} objects created`), 5000);
  try {
    await runPool(planObjects(options.objects, options.namespaces), options.concurrency, async (o) => {
      bodyBytes += o.body.length;
      await create(http, o.kind.createPath(o.namespace), o.body, `${o.kind.kind} in ${o.namespace}`);
      created++;
    });
  } finally {
    clearInterval(progress);
  }
  const seconds = (performance.now() - started) / 1000;
  return { namespaces: options.namespaces, objects: created, seconds, objectsPerSecond: created / seconds, meanRequestBytes: bodyBytes / Math.max(1, created) };
}
