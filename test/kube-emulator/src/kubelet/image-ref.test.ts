import { describe, expect, it } from "vitest";
import { imageId, normalizeImage } from "./image-ref.js";

describe("normalizeImage", () => {
  it.each<[string, string]>([
    ["nginx", "docker.io/library/nginx:latest"],
    ["nginx:1.25", "docker.io/library/nginx:1.25"],
    ["bitnami/redis:7", "docker.io/bitnami/redis:7"],
    ["quay.io/prometheus/node-exporter:v1.7.0", "quay.io/prometheus/node-exporter:v1.7.0"],
    ["localhost/app", "localhost/app:latest"],
    ["registry:5000/team/app", "registry:5000/team/app:latest"],
    ["nginx@sha256:abc", "docker.io/library/nginx@sha256:abc"],
  ])("%s", (image, expected) => {
    expect(normalizeImage(image)).toBe(expected);
  });
});

describe("imageId", () => {
  it("is the repository at a stable sha256 digest", () => {
    expect(imageId("nginx:1.25")).toMatch(/^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
    expect(imageId("nginx:1.25")).toBe(imageId("docker.io/library/nginx:1.25"));
    expect(imageId("nginx:1.25")).not.toBe(imageId("nginx:1.26"));
    expect(imageId("nginx@sha256:abc")).toBe("docker.io/library/nginx@sha256:abc");
  });
});
