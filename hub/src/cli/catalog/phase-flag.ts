// `--phase` of `backup list` and `restore list`: phases as people type them (partially-failed).
import type { DescEnum } from "@bufbuild/protobuf";
import { parseEnum } from "../arguments.js";

/** The phases `--phase` takes, for its help: `new, in-progress, completed, …`. */
export function phaseChoices(schema: DescEnum): string {
  return schema.values
    .filter((value) => value.number !== 0)
    .map((value) => value.localName.toLowerCase().replace(/_/g, "-"))
    .join(", ");
}

/** The phase `--phase` names (0, any phase, when absent); INVALID_ARGUMENT naming the flag otherwise. */
export function parsePhaseFlag(value: string | undefined, schema: DescEnum): number {
  return value === undefined ? 0 : parseEnum("--phase", value.replace(/-/g, "_"), schema);
}
