import type { VersionInfo } from "./types.js";

/**
 * /version of the last patch release of each persona's minor, as the official
 * linux/amd64 kube-apiserver reports it. Commits and Go versions are those of the
 * release tags. Build dates come from the official binaries of each release build
 * (kube-apiserver where known, otherwise kubectl/kubeadm of the same build, which differ
 * by minutes); the 1.22.17 one is the release day, not an observed value.
 */
const releases: Record<number, Omit<VersionInfo, "major" | "minor" | "gitTreeState" | "compiler" | "platform">> = {
  16: { gitVersion: "v1.16.15", gitCommit: "2adc8d7091e89b6e3ca8d048140618ec89b39369", buildDate: "2020-09-02T11:31:21Z", goVersion: "go1.13.15" },
  20: { gitVersion: "v1.20.15", gitCommit: "8f1e5bf0b9729a899b8df86249b56e2c74aebc55", buildDate: "2022-01-19T17:23:01Z", goVersion: "go1.15.15" },
  22: { gitVersion: "v1.22.17", gitCommit: "a7736eaf34d823d7652415337ac0ad06db9167fc", buildDate: "2022-12-08T10:08:09Z", goVersion: "go1.16.15" },
  25: { gitVersion: "v1.25.16", gitCommit: "c5f43560a4f98f2af3743a59299fb79f07924373", buildDate: "2023-11-15T22:39:12Z", goVersion: "go1.20.10" },
  27: { gitVersion: "v1.27.16", gitCommit: "cbb86e0d7f4a049666fac0551e8b02ef3d6c3d9a", buildDate: "2024-07-17T01:52:04Z", goVersion: "go1.22.5" },
  30: { gitVersion: "v1.30.14", gitCommit: "9e18483918821121abdf9aa82bc14d66df5d68cd", buildDate: "2025-06-17T18:34:53Z", goVersion: "go1.23.10" },
};

export const releaseMinors: number[] = Object.keys(releases)
  .map(Number)
  .sort((a, b) => a - b);

export function versionInfo(minor: number): VersionInfo | undefined {
  const r = releases[minor];
  if (!r) return undefined;
  return {
    major: "1",
    minor: String(minor),
    gitVersion: r.gitVersion,
    gitCommit: r.gitCommit,
    gitTreeState: "clean",
    buildDate: r.buildDate,
    goVersion: r.goVersion,
    compiler: "gc",
    platform: "linux/amd64",
  };
}
