// The results stage: every item's outcome, counted for the summary and kept for the repository's
// restores/<id>/results record. Results are kept as the apply stage gives them (they point at the
// plan's items); proto messages are made only for the summary's failures.
import { create } from "@bufbuild/protobuf";
import { RestoreItemOutcome, RestoreItemResultSchema, RestoreSummarySchema, type RestoreItemResult, type RestoreSummary } from "@lifeboat/proto";
import type { BackupReport } from "../../backup/backup-report.js";
import { apiVersionOf, qualifiedName } from "../../backup/resources.js";
import type { ItemOutcome, ItemResult } from "../types.js";

const OUTCOMES: Record<ItemOutcome, RestoreItemOutcome> = {
  created: RestoreItemOutcome.CREATED,
  updated: RestoreItemOutcome.UPDATED,
  skipped: RestoreItemOutcome.SKIPPED,
  failed: RestoreItemOutcome.FAILED,
};

// The summary names failures up to this many; the results record holds every item.
const MAX_FAILURES_IN_SUMMARY = 1_000;

export class RestoreResults {
  readonly counts: Record<ItemOutcome, number> = { created: 0, updated: 0, skipped: 0, failed: 0 };
  readonly #perResource: Record<string, bigint> = {};
  readonly #perNamespace: Record<string, bigint> = {};
  readonly #conversions: Record<string, bigint> = {};
  readonly #failures: RestoreItemResult[] = [];
  readonly #all: ItemResult[] = [];

  get size(): number {
    return this.#all.length;
  }

  add(result: ItemResult): void {
    const { item, outcome } = result;
    this.#all.push(result);
    this.counts[outcome]++;
    if (outcome === "failed" && this.#failures.length < MAX_FAILURES_IN_SUMMARY) this.#failures.push(create(RestoreItemResultSchema, resultFields(result)));
    if (outcome !== "created" && outcome !== "updated") return;
    // Per resource, per namespace and per conversion: what the restore put into the cluster.
    const resource = qualifiedName(item.to);
    this.#perResource[resource] = (this.#perResource[resource] ?? 0n) + 1n;
    this.#perNamespace[item.namespace] = (this.#perNamespace[item.namespace] ?? 0n) + 1n;
    if (item.conversion) this.#conversions[item.conversion] = (this.#conversions[item.conversion] ?? 0n) + 1n;
  }

  /** The pods the restore created or updated, where restore hooks may run. */
  restoredPods(): Array<{ namespace: string; name: string }> {
    return this.#all
      .filter((r) => (r.outcome === "created" || r.outcome === "updated") && r.item.to.group === "" && r.item.to.resource === "pods")
      .map((r) => ({ namespace: r.item.namespace, name: r.item.name }));
  }

  summary(report: BackupReport, dryRunItems: string[] = []): RestoreSummary {
    return create(RestoreSummarySchema, {
      items: BigInt(this.#all.length),
      created: BigInt(this.counts.created),
      updated: BigInt(this.counts.updated),
      skipped: BigInt(this.counts.skipped),
      failed: BigInt(this.counts.failed),
      itemsPerResource: this.#perResource,
      itemsPerNamespace: this.#perNamespace,
      conversions: this.#conversions,
      failures: this.#failures,
      warnings: report.warnings,
      errors: report.errors,
      hooks: report.hooks,
      dryRunItems,
    });
  }

  /** The results record: every item's result, as RestoreItemResult's proto JSON (empty fields left out). */
  record(): { items: Array<Record<string, string>> } {
    return {
      items: this.#all.map((result) => {
        const { outcome, ...fields } = resultFields(result);
        const json: Record<string, string> = { outcome: `RESTORE_ITEM_OUTCOME_${RestoreItemOutcome[outcome]}` };
        for (const [key, value] of Object.entries(fields)) if (value) json[key] = value;
        return json;
      }),
    };
  }
}

function resultFields({ item, outcome, message }: ItemResult): { resource: string; namespace: string; name: string; apiVersion: string; outcome: RestoreItemOutcome; message: string; sourceNamespace: string } {
  return {
    resource: qualifiedName(item.to),
    namespace: item.namespace,
    name: item.name,
    apiVersion: apiVersionOf(item.to),
    outcome: OUTCOMES[outcome],
    message: message ?? item.conversion ?? "",
    sourceNamespace: item.source.namespace !== item.namespace ? item.source.namespace : "",
  };
}
