// The reference the restore is measured against: the same objects the backup holds, written to
// files as a user would keep them, created with one `kubectl create -f DIR`; and the count of
// what either left in its emulator.
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { request, type HttpTarget } from "../common/http.js";
import { measureOk, type Measured } from "../repository/measure.js";
import { benchLabel, benchLabelValue, crd, datasetKinds, namespaceBody, planObjects } from "../backup/dataset.js";

export interface ReferenceFiles {
  /** The CRD alone: kubectl maps every object of a run to a resource before it creates any, so the custom resources need their CRD served first. */
  crdFile: string;
  dir: string;
  files: number;
  /** Objects in the files, the CRD and the namespaces included. */
  objects: number;
}

// Objects per file: kubectl reads each file as one List.
const PER_FILE = 500;

/**
 * Writes the CRD to a file of its own, then the namespaces and the objects, in that order
 * (kubectl takes a directory's files by name), as JSON Lists of PER_FILE items.
 */
export async function writeReferenceFiles(dir: string, objects: number, namespaces: number): Promise<ReferenceFiles> {
  await mkdir(dir, { recursive: true });
  const crdFile = `${dir}.crd.json`;
  await writeFile(crdFile, JSON.stringify(crd));
  let files = 1;
  let count = 1;
  const write = async (items: string[]): Promise<void> => {
    await writeFile(path.join(dir, `${String(files).padStart(5, "0")}.json`), `{"apiVersion":"v1","kind":"List","items":[${items.join(",")}]}`);
    files++;
    count += items.length;
  };
  await write(Array.from({ length: namespaces }, (_, i) => namespaceBody(i)));
  let batch: string[] = [];
  for (const planned of planObjects(objects, namespaces)) {
    batch.push(planned.body);
    if (batch.length === PER_FILE) {
      await write(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await write(batch);
  return { crdFile, dir, files, objects: count };
}

/**
 * What kubectl takes: `kubectl create -f CRD`, `kubectl wait` until it is Established, then one
 * `kubectl create -f DIR`, each under /usr/bin/time -v, with their own discovery cache; the
 * figures are the three processes' sums (peak RSS: the largest).
 */
export async function measureKubectlCreate(kubectl: string, kubeconfig: string, cacheDir: string, files: ReferenceFiles): Promise<Measured> {
  const common = ["--kubeconfig", kubeconfig, "--cache-dir", cacheDir];
  const runs = [
    await measureOk("kubectl create -f CRD", kubectl, [...common, "create", "-f", files.crdFile, "-o", "name"]),
    await measureOk("kubectl wait", kubectl, [...common, "wait", "--for", "condition=established", "--timeout=60s", "-f", files.crdFile]),
    await measureOk("kubectl create -f", kubectl, [...common, "create", "-f", files.dir, "-o", "name"]),
  ];
  return {
    wallS: runs.reduce((sum, r) => sum + r.wallS, 0),
    cpuS: runs.reduce((sum, r) => sum + r.cpuS, 0),
    peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)),
    exitCode: 0,
    stdout: "",
    stderr: runs.map((r) => r.stderr).join(""),
  };
}

export interface ObjectCount {
  namespaces: number;
  /** Objects of the dataset's kinds carrying its label, the namespaces and the CRD included. */
  objects: number;
}

/** Counts the dataset's objects in an emulator by listing each kind with the dataset's label. */
export async function countObjects(http: HttpTarget, namespaces: number): Promise<ObjectCount> {
  const selector = encodeURIComponent(`${benchLabel}=${benchLabelValue}`);
  const count = async (collection: string): Promise<number> => {
    let total = 0;
    let token = "";
    do {
      const res = await request(http, "GET", `${collection}?labelSelector=${selector}&limit=500${token ? `&continue=${encodeURIComponent(token)}` : ""}`);
      if (res.status !== 200) throw new Error(`listing ${collection}: ${res.status} ${res.body.toString().slice(0, 300)}`);
      const list = JSON.parse(res.body.toString("utf8")) as { items: unknown[]; metadata?: { continue?: string } };
      total += list.items.length;
      token = list.metadata?.continue ?? "";
    } while (token);
    return total;
  };
  const namespaceCount = await count("/api/v1/namespaces");
  let objects = namespaceCount + (await count("/apis/apiextensions.k8s.io/v1/customresourcedefinitions"));
  for (const kind of datasetKinds) objects += await count(kind.createPath("__ns__").replace("/namespaces/__ns__", ""));
  if (namespaceCount !== namespaces) throw new Error(`expected ${namespaces} namespaces, found ${namespaceCount}`);
  return { namespaces: namespaceCount, objects };
}
