import type { BackupItem, BackupItemVersion } from "@lifeboat/shared/repo";
import { describe, expect, it } from "vitest";
import type { TargetResource } from "../types.js";
import { chooseVersion, definedResourceKey, type VersionChoice } from "./choose-version.js";
import { TARGET_1_16, TARGET_1_19, TARGET_1_30 } from "./targets.test-support.js";

const content = (label: string) => `content-${label}` as BackupItem["content"];

/** An item stored in `group/version` ("v1" for core), plus `others` as "group/version" or "group/resource/version". */
function item(kind: string, resource: string, stored: string, ...others: string[]): BackupItem {
  const [group, version] = stored.includes("/") ? stored.split("/") : ["", stored];
  const versions: BackupItemVersion[] = [{ version: version!, content: content(`${group}/${version}`) }];
  for (const other of others) {
    const [g, v] = other.split("/");
    versions.push({ ...(g !== group ? { group: g } : {}), version: v!, content: content(`${g}/${v}`) });
  }
  return { group: group!, version: version!, resource, namespace: "shop", name: "web", kind, content: content(`${group}/${version}`), versions };
}

/** A choice as one line: "networking.k8s.io/v1beta1 ingresses -> networking.k8s.io/v1 Ingress (ingresses.networking.k8s.io/v1beta1 -> networking.k8s.io/v1)". */
function summary(choice: VersionChoice): string {
  if ("unavailable" in choice) return `unavailable: ${choice.unavailable}`;
  const { from, to } = choice;
  expect(from.content).toBe(content(`${from.group}/${from.version}`));
  const apiVersion = (r: { group: string; version: string }) => (r.group ? `${r.group}/${r.version}` : r.version);
  return `${apiVersion(from)} ${from.resource} -> ${apiVersion(to)} ${to.kind}${choice.conversion ? ` (${choice.conversion})` : ""}`;
}

const ingress116 = item("Ingress", "ingresses", "extensions/v1beta1", "networking.k8s.io/v1beta1");
const deployment = item("Deployment", "deployments", "apps/v1");

describe("chooseVersion", () => {
  it.each<[string, BackupItem, ReadonlyMap<string, TargetResource>, string]>([
    // 1.16 -> 1.30: removed versions are converted, current ones kept.
    ["1.16 -> 1.30: an Ingress held in extensions and networking.k8s.io v1beta1 converts the networking.k8s.io one", ingress116, TARGET_1_30, "networking.k8s.io/v1beta1 ingresses -> networking.k8s.io/v1 Ingress (ingresses.networking.k8s.io/v1beta1 -> networking.k8s.io/v1)"],
    ["1.16 -> 1.30: an Ingress held under extensions only converts from extensions", item("Ingress", "ingresses", "extensions/v1beta1"), TARGET_1_30, "extensions/v1beta1 ingresses -> networking.k8s.io/v1 Ingress (ingresses.extensions/v1beta1 -> networking.k8s.io/v1)"],
    ["1.16 -> 1.30: a CronJob batch/v1beta1 converts to batch/v1", item("CronJob", "cronjobs", "batch/v1beta1"), TARGET_1_30, "batch/v1beta1 cronjobs -> batch/v1 CronJob (cronjobs.batch/v1beta1 -> batch/v1)"],
    ["1.16 -> 1.30: a PodDisruptionBudget policy/v1beta1 converts to policy/v1", item("PodDisruptionBudget", "poddisruptionbudgets", "policy/v1beta1"), TARGET_1_30, "policy/v1beta1 poddisruptionbudgets -> policy/v1 PodDisruptionBudget (poddisruptionbudgets.policy/v1beta1 -> policy/v1)"],
    ["1.16 -> 1.30: a Deployment apps/v1 is applied unchanged", deployment, TARGET_1_30, "apps/v1 deployments -> apps/v1 Deployment"],
    ["1.16 -> 1.30: a NetworkPolicy held in networking.k8s.io/v1 and extensions keeps networking.k8s.io/v1", item("NetworkPolicy", "networkpolicies", "networking.k8s.io/v1", "extensions/v1beta1"), TARGET_1_30, "networking.k8s.io/v1 networkpolicies -> networking.k8s.io/v1 NetworkPolicy"],
    ["1.16 -> 1.30: a ConfigMap is applied unchanged", item("ConfigMap", "configmaps", "v1"), TARGET_1_30, "v1 configmaps -> v1 ConfigMap"],
    // Older sources: workloads of removed groups convert to apps/v1, the closest version first.
    ["1.15 -> 1.30: a Deployment held only in extensions/v1beta1 converts to apps/v1", item("Deployment", "deployments", "extensions/v1beta1"), TARGET_1_30, "extensions/v1beta1 deployments -> apps/v1 Deployment (deployments.extensions/v1beta1 -> apps/v1)"],
    ["1.9 -> 1.30: a StatefulSet held in apps/v1beta1 and v1beta2 converts from v1beta2", item("StatefulSet", "statefulsets", "apps/v1beta1", "apps/v1beta2"), TARGET_1_30, "apps/v1beta2 statefulsets -> apps/v1 StatefulSet (statefulsets.apps/v1beta2 -> apps/v1)"],
    // 1.30 -> 1.30: everything as it is.
    ["1.30 -> 1.30: an Ingress networking.k8s.io/v1", item("Ingress", "ingresses", "networking.k8s.io/v1"), TARGET_1_30, "networking.k8s.io/v1 ingresses -> networking.k8s.io/v1 Ingress"],
    ["1.30 -> 1.30: a CronJob batch/v1", item("CronJob", "cronjobs", "batch/v1"), TARGET_1_30, "batch/v1 cronjobs -> batch/v1 CronJob"],
    ["1.30 -> 1.30: a PodDisruptionBudget policy/v1", item("PodDisruptionBudget", "poddisruptionbudgets", "policy/v1"), TARGET_1_30, "policy/v1 poddisruptionbudgets -> policy/v1 PodDisruptionBudget"],
    ["1.30 -> 1.30: a Deployment apps/v1", deployment, TARGET_1_30, "apps/v1 deployments -> apps/v1 Deployment"],
    ["1.30 -> 1.30: a ConfigMap v1", item("ConfigMap", "configmaps", "v1"), TARGET_1_30, "v1 configmaps -> v1 ConfigMap"],
    // 1.30 -> 1.16: what 1.16 serves is applied; nothing converts backwards.
    ["1.30 -> 1.16: a Deployment apps/v1 held and served", deployment, TARGET_1_16, "apps/v1 deployments -> apps/v1 Deployment"],
    [
      "1.30 -> 1.16: an Ingress held only in networking.k8s.io/v1 is unavailable",
      item("Ingress", "ingresses", "networking.k8s.io/v1"),
      TARGET_1_16,
      "unavailable: the backup holds ingresses.networking.k8s.io in v1 only; the target serves ingresses in networking.k8s.io/v1beta1, extensions/v1beta1",
    ],
    ["1.30 -> 1.16: a CronJob held only in batch/v1 is unavailable", item("CronJob", "cronjobs", "batch/v1"), TARGET_1_16, "unavailable: the backup holds cronjobs.batch in v1 only; the target serves cronjobs in batch/v1beta1"],
    // (a) the target's preferred version when held, even if it is not the item's own.
    ["1.22 -> 1.16: a CronJob held in batch/v1 and v1beta1 takes 1.16's preferred v1beta1", item("CronJob", "cronjobs", "batch/v1", "batch/v1beta1"), TARGET_1_16, "batch/v1beta1 cronjobs -> batch/v1beta1 CronJob"],
    ["1.16 -> 1.16: an Ingress stays under extensions, the group it was stored in", ingress116, TARGET_1_16, "extensions/v1beta1 ingresses -> extensions/v1beta1 Ingress"],
    // (b) another served version the backup holds, before any conversion.
    ["1.16 -> 1.19: an Ingress stored in networking.k8s.io/v1beta1 keeps it rather than converting to v1", item("Ingress", "ingresses", "networking.k8s.io/v1beta1", "extensions/v1beta1"), TARGET_1_19, "networking.k8s.io/v1beta1 ingresses -> networking.k8s.io/v1beta1 Ingress"],
    [
      "an alias group's served version: an extensions Ingress on a target serving only networking.k8s.io v1 and v1beta1",
      ingress116,
      new Map([["networking.k8s.io/ingresses", { group: "networking.k8s.io", resource: "ingresses", kind: "Ingress", namespaced: true, versions: ["v1", "v1beta1"], preferredVersion: "v1" }]]),
      "networking.k8s.io/v1beta1 ingresses -> networking.k8s.io/v1beta1 Ingress",
    ],
    // (d) a resource the target does not serve at all.
    ["a custom resource whose group the target does not serve", item("Widget", "widgets", "example.com/v1"), TARGET_1_30, "unavailable: the backup holds widgets.example.com in v1 only; the target serves no version of widgets.example.com"],
    [
      "an Ingress held in two groups, neither served nor convertible, names both",
      ingress116,
      new Map([["networking.k8s.io/ingresses", { group: "networking.k8s.io", resource: "ingresses", kind: "Ingress", namespaced: true, versions: ["v2"], preferredVersion: "v2" }]]),
      "unavailable: the backup holds ingresses.extensions in v1beta1 and ingresses.networking.k8s.io in v1beta1 only; the target serves ingresses in networking.k8s.io/v2",
    ],
  ])("%s", (_, backupItem, target, expected) => {
    expect(summary(chooseVersion(backupItem, target))).toBe(expected);
  });

  it("applies an item as the target's kind and scope", () => {
    const choice = chooseVersion(ingress116, TARGET_1_30);
    expect(choice).toMatchObject({ to: { group: "networking.k8s.io", version: "v1", resource: "ingresses", kind: "Ingress", namespaced: true } });
  });

  it("reads an item without a versions list as its own version", () => {
    const { versions: _, ...bare } = deployment;
    expect(chooseVersion(bare, TARGET_1_30)).toEqual({
      from: { group: "apps", resource: "deployments", version: "v1", content: bare.content },
      to: { group: "apps", version: "v1", resource: "deployments", kind: "Deployment", namespaced: true },
    });
  });

  describe("a custom resource whose definition the restore applies", () => {
    const widget = item("Widget", "widgets", "shop.example.com/v1", "shop.example.com/v1beta1");
    const restoredDefinitions = new Set([definedResourceKey("widgets.shop.example.com")]);

    it("is applied in its own version while the target does not serve it yet", () => {
      expect(summary(chooseVersion(widget, TARGET_1_30, { restoredDefinitions }))).toBe("shop.example.com/v1 widgets -> shop.example.com/v1 Widget");
    });

    it("follows the target's versions once the target serves it", () => {
      const target = new Map([["shop.example.com/widgets", { group: "shop.example.com", resource: "widgets", kind: "Widget", namespaced: true, versions: ["v1beta1"], preferredVersion: "v1beta1" }]]);
      expect(summary(chooseVersion(widget, target, { restoredDefinitions }))).toBe("shop.example.com/v1beta1 widgets -> shop.example.com/v1beta1 Widget");
    });

    it("is unavailable when its definition is not restored", () => {
      expect(summary(chooseVersion(widget, TARGET_1_30, { restoredDefinitions: new Set(["other.example.com/widgets"]) }))).toMatch(/^unavailable: .*serves no version of widgets.shop.example.com$/);
    });

    it.each([
      ["widgets.shop.example.com", "shop.example.com/widgets"],
      ["crontabs.stable.example.com", "stable.example.com/crontabs"],
    ])("names the resource %s defines as %s", (name, key) => {
      expect(definedResourceKey(name)).toBe(key);
    });
  });
});
