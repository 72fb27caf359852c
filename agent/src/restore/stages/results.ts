// The results stage: every item's outcome, counted for the summary and kept for the repository's
// restores/<id>/results record.
import { create, toJson } from "@bufbuild/protobuf";
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
  readonly #all: RestoreItemResult[] = [];

  get size(): number {
    return this.#all.length;
  }

  add({ item, outcome, message }: ItemResult): void {
    const result = create(RestoreItemResultSchema, {
      resource: qualifiedName(item.to),
      namespace: item.namespace,
      name: item.name,
      apiVersion: apiVersionOf(item.to),
      outcome: OUTCOMES[outcome],
      message: message ?? item.conversion ?? "",
      sourceNamespace: item.source.namespace !== item.namespace ? item.source.namespace : "",
    });
    this.#all.push(result);
    this.counts[outcome]++;
    if (outcome === "failed" && this.#failures.length < MAX_FAILURES_IN_SUMMARY) this.#failures.push(result);
    if (outcome !== "created" && outcome !== "updated") return;
    // Per resource, per namespace and per conversion: what the restore put into the cluster.
    this.#perResource[result.resource] = (this.#perResource[result.resource] ?? 0n) + 1n;
    this.#perNamespace[item.namespace] = (this.#perNamespace[item.namespace] ?? 0n) + 1n;
    if (item.conversion) this.#conversions[item.conversion] = (this.#conversions[item.conversion] ?? 0n) + 1n;
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

  /** The results record: every item's result as proto JSON. */
  record(): { items: unknown[] } {
    return { items: this.#all.map((r) => toJson(RestoreItemResultSchema, r)) };
  }
}
