// Repository passwords come from a file or the environment, never from a flag: a flag's value is
// visible to every user of the machine in the process list and lands in shell history.
import { readOptionFile } from "../arguments.js";
import { LifeboatError } from "@lifeboat/shared/repo";

export const PASSWORD_ENV = "LIFEBOAT_REPO_PASSWORD";
export const NEW_PASSWORD_ENV = "LIFEBOAT_REPO_NEW_PASSWORD";

/** The repository password from `--password-file` or LIFEBOAT_REPO_PASSWORD. */
export function readPassword(file: string | undefined): Promise<string> {
  return passwordFrom("--password-file", file, PASSWORD_ENV);
}

/** The new password for passwd and key add, from `--new-password-file` or LIFEBOAT_REPO_NEW_PASSWORD. */
export function readNewPassword(file: string | undefined): Promise<string> {
  return passwordFrom("--new-password-file", file, NEW_PASSWORD_ENV);
}

async function passwordFrom(option: string, file: string | undefined, env: string): Promise<string> {
  let password: string;
  let source: string;
  if (file !== undefined) {
    // Files written by `echo` or an editor end with a newline that is not part of the password.
    password = stripOneNewline(await readOptionFile(option, file));
    source = `${option} ${file}`;
  } else if (process.env[env] !== undefined) {
    password = process.env[env]!;
    source = env;
  } else {
    throw new LifeboatError("INVALID_ARGUMENT", `a password is required: pass ${option} FILE or set ${env}`, { field: option });
  }
  if (password === "") throw new LifeboatError("INVALID_ARGUMENT", `the password from ${source} is empty`, { field: option });
  return password;
}

/** Removes one trailing "\n" (or "\r\n"); anything before it, spaces included, is the password. */
export function stripOneNewline(text: string): string {
  if (text.endsWith("\r\n")) return text.slice(0, -2);
  if (text.endsWith("\n")) return text.slice(0, -1);
  return text;
}
