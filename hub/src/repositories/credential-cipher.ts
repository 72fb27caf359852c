import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { RepositoryCredentialsSchema, type RepositoryCredentials } from "@lifeboat/proto";
import { LifeboatError } from "@lifeboat/shared";

// Sealed form: "v1:" + base64(iv | ciphertext | tag). The repository's name is the associated
// data, so a sealed record copied onto another repository's key does not open.
const VERSION = "v1:";
const IV_BYTES = 12;
const TAG_BYTES = 16;

function associatedData(repository: string): Buffer {
  return Buffer.from(`lifeboat repository credentials\0${repository}`, "utf8");
}

/** Encrypts `credentials` for repository `repository` with AES-256-GCM under the hub's secret key. */
export function sealCredentials(key: Buffer, repository: string, credentials: RepositoryCredentials): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(associatedData(repository));
  const body = Buffer.concat([cipher.update(toBinary(RepositoryCredentialsSchema, credentials)), cipher.final()]);
  return VERSION + Buffer.concat([iv, body, cipher.getAuthTag()]).toString("base64");
}

/** Decrypts what sealCredentials made for the same repository; CORRUPT when it does not open (another key, another name, altered). */
export function openCredentials(key: Buffer, repository: string, sealed: string): RepositoryCredentials {
  const refuse = (why: string): LifeboatError =>
    new LifeboatError("CORRUPT", `repository "${repository}": its stored credentials ${why}; check that every hub replica holds the same secrets.key, or add the repository again`, {
      field: "repository",
      value: repository,
    });
  if (!sealed.startsWith(VERSION)) throw refuse("are in an unknown format");
  const bytes = Buffer.from(sealed.slice(VERSION.length), "base64");
  if (bytes.length < IV_BYTES + TAG_BYTES) throw refuse("are truncated");
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(associatedData(repository));
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const plain = Buffer.concat([decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
    return fromBinary(RepositoryCredentialsSchema, plain);
  } catch {
    throw refuse("do not decrypt with this hub's secret key");
  }
}

/** The names of the credentials present, as Repository.credential_names reports them. */
export function credentialNames(credentials: RepositoryCredentials): string[] {
  const names: string[] = [];
  if (credentials.password !== "") names.push("password");
  if (credentials.accessKeyId !== "") names.push("accessKeyId");
  if (credentials.secretAccessKey !== "") names.push("secretAccessKey");
  if (credentials.sessionToken !== "") names.push("sessionToken");
  return names;
}

/** An empty credentials message, for callers that build one field by field. */
export function noCredentials(): RepositoryCredentials {
  return create(RepositoryCredentialsSchema);
}
