// A repository's credentials for `repository add`. Secrets come from a file or the environment,
// never from a flag's value: flags show in the process list and in shell history.
import { create } from "@bufbuild/protobuf";
import { RepositoryCredentialsSchema, type RepositoryCredentials } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared/errors";
import { missing } from "../arguments.js";

export interface CredentialFlags {
  /** The repository password, already read from --password-file. */
  password: string;
  accessKeyIdEnv?: string;
  secretAccessKeyEnv?: string;
  sessionTokenEnv?: string;
}

const DEFAULT_ENV = { accessKeyId: "AWS_ACCESS_KEY_ID", secretAccessKey: "AWS_SECRET_ACCESS_KEY", sessionToken: "AWS_SESSION_TOKEN" } as const;

/**
 * The credentials to send for repository `url`. S3 keys come from the variables the flags name;
 * without flags, from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) when both
 * are set and the repository is on S3. Errors name the flag and the variable, never a value.
 */
export function repositoryCredentials(url: string, flags: CredentialFlags, env: NodeJS.ProcessEnv): RepositoryCredentials {
  const credentials = create(RepositoryCredentialsSchema, { password: flags.password });
  const named = flags.accessKeyIdEnv !== undefined || flags.secretAccessKeyEnv !== undefined;
  if (named) {
    if (flags.accessKeyIdEnv === undefined) throw missing("--access-key-id-env", "give it with --secret-access-key-env");
    if (flags.secretAccessKeyEnv === undefined) throw missing("--secret-access-key-env", "give it with --access-key-id-env");
    credentials.accessKeyId = fromEnv("--access-key-id-env", flags.accessKeyIdEnv, env);
    credentials.secretAccessKey = fromEnv("--secret-access-key-env", flags.secretAccessKeyEnv, env);
    if (flags.sessionTokenEnv !== undefined) credentials.sessionToken = fromEnv("--session-token-env", flags.sessionTokenEnv, env);
    return credentials;
  }
  if (flags.sessionTokenEnv !== undefined) throw missing("--access-key-id-env and --secret-access-key-env", "--session-token-env needs them");
  // A filesystem repository needs no keys; sending the operator's AWS keys would only store them.
  if (!url.startsWith("s3://")) return credentials;
  const accessKeyId = env[DEFAULT_ENV.accessKeyId];
  const secretAccessKey = env[DEFAULT_ENV.secretAccessKey];
  if (accessKeyId && secretAccessKey) {
    credentials.accessKeyId = accessKeyId;
    credentials.secretAccessKey = secretAccessKey;
    credentials.sessionToken = env[DEFAULT_ENV.sessionToken] ?? "";
  }
  return credentials;
}

function fromEnv(option: string, variable: string, env: NodeJS.ProcessEnv): string {
  // Someone may paste the key itself instead of a variable's name: then the message must not repeat it.
  const shown = /^[A-Z_][A-Z0-9_]{0,63}$/.test(variable) ? variable : "the value given";
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(variable)) {
    throw new LifeboatError("INVALID_ARGUMENT", `${option}: ${shown} is not an environment variable's name: pass the name of the variable holding the key (such as AWS_SECRET_ACCESS_KEY), not the key`, {
      field: option,
    });
  }
  const value = env[variable];
  if (value === undefined || value === "") {
    throw new LifeboatError("INVALID_ARGUMENT", `${option}: the environment variable ${shown} is not set`, { field: option });
  }
  return value;
}
