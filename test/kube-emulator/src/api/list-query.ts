import type { KubeObject, ResourceInfo } from "../api-types.js";
import { badRequest, StatusError } from "../http/status-error.js";
import {
  checkFieldSelector,
  type CustomResourceFields,
  matchesFields,
  matchesLabels,
  parseFieldSelector,
  parseLabelSelector,
  resolveField,
  type FieldSelector,
  type LabelSelector,
} from "../selectors/index.js";

export interface ListOptions {
  labelSelector?: string;
  fieldSelector?: string;
  limit?: number;
  continue?: string;
}

/** A parsed list/watch filter: both selectors, checked against the resource's field labels. */
export interface ObjectFilter {
  labels?: LabelSelector;
  fields?: FieldSelector;
  matches(obj: KubeObject): boolean;
}

/** `custom` is set for CRD resources, whose field labels are metadata.name (and namespace). */
export function parseFilter(info: ResourceInfo, labelSelector?: string, fieldSelector?: string, custom?: CustomResourceFields): ObjectFilter {
  const labels = labelSelector ? parseLabelSelector(labelSelector) : undefined;
  let fields: FieldSelector | undefined;
  if (fieldSelector) {
    fields = checkFieldSelector(parseFieldSelector(fieldSelector), info.group, info.resource, custom);
  }
  return {
    labels,
    fields,
    matches: (obj) =>
      (!labels || matchesLabels(labels, obj.metadata.labels)) && (!fields || matchesFields(fields, obj, resolveField)),
  };
}

export function parseLimit(text: string | null): number | undefined {
  if (text === null || text === "") return undefined;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 0) throw badRequest(`invalid limit "${text}": must be a non-negative integer`);
  return n === 0 ? undefined : n;
}

export function expiredContinue(): StatusError {
  return new StatusError(
    410,
    "Expired",
    "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.",
  );
}
