import type { KubeObject } from "../types.js";
import { containersOf, podOf } from "./pod-specs.js";

export interface RegistryMapping {
  from: string;
  to: string;
}

/**
 * Replaces the registry/repository prefix of `image` by the longest mapping whose `from` ends at
 * a '/' of the image ("quay.io/coreos" maps "quay.io/coreos/etcd:v3" but not
 * "quay.io/coreosx/etcd"); the image name, tag and digest are never changed. Docker Hub short
 * names are read as the runtime reads them ("nginx" is "docker.io/library/nginx"), so a
 * "docker.io" mapping reaches them. Unmapped images are returned as they are.
 */
export function mapImage(image: string, mappings: readonly RegistryMapping[]): string {
  const candidates = [image, dockerHubName(image)].filter((name): name is string => name !== undefined);
  let best: { mapping: RegistryMapping; rest: string } | undefined;
  for (const mapping of mappings) {
    for (const name of candidates) {
      if (name.startsWith(`${mapping.from}/`) && (!best || mapping.from.length > best.mapping.from.length)) {
        best = { mapping, rest: name.slice(mapping.from.length) };
      }
    }
  }
  return best ? `${best.mapping.to}${best.rest}` : image;
}

// "nginx:1.25" -> "docker.io/library/nginx:1.25", "bitnami/redis" -> "docker.io/bitnami/redis";
// undefined when the image names its registry (a first component with '.' or ':', or localhost).
function dockerHubName(image: string): string | undefined {
  const slash = image.indexOf("/");
  const first = slash === -1 ? undefined : image.slice(0, slash);
  if (first !== undefined && (first.includes(".") || first.includes(":") || first === "localhost")) return undefined;
  return first === undefined ? `docker.io/library/${image}` : `docker.io/${image}`;
}

/** Maps the image of every container, init container and ephemeral container of a pod or pod template. Changes `draft`. */
export function mapImages(draft: KubeObject, mappings: readonly RegistryMapping[]): void {
  if (mappings.length === 0) return;
  const spec = podOf(draft)?.spec;
  if (!spec) return;
  for (const container of containersOf(spec)) {
    if (typeof container.image === "string") container.image = mapImage(container.image, mappings);
  }
}
