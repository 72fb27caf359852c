import { createHash } from "node:crypto";

/**
 * Image names as containerd reports them in container statuses: fully qualified per the
 * docker reference rules (github.com/distribution/reference ParseNormalizedNamed), so
 * `nginx:1.25` shows as `docker.io/library/nginx:1.25`, and a digest for imageID.
 */
export function normalizeImage(image: string): string {
  const trimmed = image.trim();
  const slash = trimmed.indexOf("/");
  const first = slash < 0 ? "" : trimmed.slice(0, slash);
  // The first component is a registry only if it looks like a host: a dot, a port or localhost.
  const hasDomain = slash >= 0 && (first.includes(".") || first.includes(":") || first === "localhost");
  let name = hasDomain ? trimmed : `docker.io/${slash < 0 ? "library/" : ""}${trimmed}`;
  const lastSlash = name.lastIndexOf("/");
  if (!name.includes("@") && !name.slice(lastSlash + 1).includes(":")) name += ":latest";
  return name;
}

const imageIds = new Map<string, string>();

/** `<repository>@sha256:<digest>`: the image's own digest if it names one, else one derived from its name. */
export function imageId(image: string): string {
  let id = imageIds.get(image);
  if (id === undefined) {
    id = digestReference(image);
    // Images are few (a cluster runs the same ones over and over); the cap only guards memory.
    if (imageIds.size < 10_000) imageIds.set(image, id);
  }
  return id;
}

function digestReference(image: string): string {
  const normalized = normalizeImage(image);
  const at = normalized.indexOf("@");
  if (at >= 0) return normalized;
  const lastSlash = normalized.lastIndexOf("/");
  const colon = normalized.indexOf(":", lastSlash + 1);
  const repository = colon < 0 ? normalized : normalized.slice(0, colon);
  return `${repository}@sha256:${createHash("sha256").update(normalized).digest("hex")}`;
}
