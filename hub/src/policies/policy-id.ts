import { randomUUID } from "node:crypto";

const POLICY_ID = /^pol-[0-9a-f]{20}$/;

export function newPolicyId(): string {
  return `pol-${randomUUID().replaceAll("-", "").slice(0, 20)}`;
}

/** Whether `value` has the shape of a policy id (else it is read as a name). */
export function isPolicyId(value: string): boolean {
  return POLICY_ID.test(value);
}
