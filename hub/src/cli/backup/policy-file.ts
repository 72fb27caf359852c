// Policy and hook files: YAML documents in the proto JSON form of Policy and BackupHook, the same
// form `lifeboat policy get -o yaml` prints, so a listed policy can be edited and created again.
import { BackupHookSchema, PolicySchema, type BackupHook, type Policy } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared/errors";
import { parse } from "yaml";
import { readOptionFile } from "../arguments.js";
import { decodeMessage } from "./message-input.js";

/** The policy in `text`, read from `file`. INVALID_ARGUMENT names the file, the field and what is wrong. */
export function parsePolicyFile(file: string, text: string): Policy {
  return decodeMessage(PolicySchema, parseYaml(file, text), file);
}

/**
 * Backup hooks from `text`: a list of BackupHook, or a mapping with a `hooks` list (a BackupSpec's
 * own shape). INVALID_ARGUMENT names the file and the hook's path (`[0].pre[1].timeout`).
 */
export function parseHooksFile(file: string, text: string): BackupHook[] {
  const document = parseYaml(file, text);
  const hooks = document !== null && typeof document === "object" && !Array.isArray(document) && "hooks" in document ? (document as { hooks: unknown }).hooks : document;
  const path = hooks === document ? "" : "hooks";
  if (!Array.isArray(hooks)) {
    throw new LifeboatError("INVALID_ARGUMENT", `${file}: expected a list of hooks (name, includedNamespaces, labelSelector, pre, post)`, { field: "--hooks-file", value: file });
  }
  return hooks.map((hook, i) => decodeMessage(BackupHookSchema, hook, file, `${path}[${i}]`));
}

/** Reads and parses the policy file given with `option`. */
export async function readPolicyFile(option: string, file: string): Promise<Policy> {
  return parsePolicyFile(file, await readOptionFile(option, file));
}

/** Reads and parses the hook file given with `option`. */
export async function readHooksFile(option: string, file: string): Promise<BackupHook[]> {
  return parseHooksFile(file, await readOptionFile(option, file));
}

function parseYaml(file: string, text: string): unknown {
  try {
    return parse(text, { prettyErrors: false });
  } catch (err) {
    // The parser's message names the line and column; its first line is enough for one error line.
    const first = (err as Error).message.split("\n")[0];
    throw new LifeboatError("INVALID_ARGUMENT", `${file}: not valid YAML: ${first}`, { field: file, value: file, cause: err });
  }
}
