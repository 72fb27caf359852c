import { mkdir, mkdtemp, realpath, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { resolveVolumeRoot } from "./volume-root.js";

const location = (uid: string, dirName: string) => ({ node: "n1", pod: { namespace: "shop", name: "db-0", uid }, volume: "data", dirName });

describe("resolveVolumeRoot", () => {
  let kubelet: string;
  beforeEach(async () => {
    kubelet = await mkdtemp(join(tmpdir(), "lifeboat-kubelet-"));
  });
  afterEach(async () => {
    await rm(kubelet, { recursive: true, force: true });
  });

  it("finds a CSI volume's mount, resolving a mount point that is a link", async () => {
    const data = join(kubelet, "pv-data");
    await mkdir(data);
    await mkdir(join(kubelet, "pods/u1/volumes/kubernetes.io~csi/pvc-1"), { recursive: true });
    await symlink(data, join(kubelet, "pods/u1/volumes/kubernetes.io~csi/pvc-1/mount"));
    expect(await resolveVolumeRoot(kubelet, location("u1", "pvc-1"))).toBe(await realpath(data));
  });

  it("finds an in-tree plugin's or emptyDir's directory itself", async () => {
    await mkdir(join(kubelet, "pods/u2/volumes/kubernetes.io~aws-ebs/pv-ebs"), { recursive: true });
    await mkdir(join(kubelet, "pods/u2/volumes/kubernetes.io~empty-dir/cache"), { recursive: true });
    expect(await resolveVolumeRoot(kubelet, location("u2", "pv-ebs"))).toBe(await realpath(join(kubelet, "pods/u2/volumes/kubernetes.io~aws-ebs/pv-ebs")));
    expect(await resolveVolumeRoot(kubelet, location("u2", "cache"))).toBe(await realpath(join(kubelet, "pods/u2/volumes/kubernetes.io~empty-dir/cache")));
  });

  it("says which pod and volume is missing on which node", async () => {
    await mkdir(join(kubelet, "pods/u3/volumes/kubernetes.io~csi/pvc-3"), { recursive: true }); // no mount yet
    await expect(resolveVolumeRoot(kubelet, location("u3", "pvc-3"))).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "volume directory for pod shop/db-0 volume data (pvc-3) not found on node n1: the pod may have moved or been deleted",
    });
    await expect(resolveVolumeRoot(kubelet, location("nope", "pvc-3"))).rejects.toMatchObject({ code: "NOT_FOUND" });
  });
});
