import { create } from "@bufbuild/protobuf";
import { BackupMessageSchema, type BackupMessage, type HookResult } from "@lifeboat/proto";
import type { Logger } from "pino";

/** One line of a backup's log record. Never holds item content. */
export interface BackupLogEntry {
  time: string;
  level: "info" | "warn" | "error";
  stage: string;
  message: string;
  resource?: string;
  namespace?: string;
  name?: string;
}

// A backup of a broken cluster may warn about every item; the log record stays readable and small.
const MAX_LOG_ENTRIES = 10_000;
const MAX_MESSAGES = 1_000;

export type MessageAbout = Partial<Pick<BackupMessage, "resource" | "namespace" | "name">>;

/**
 * What a backup run says about itself: warnings, errors (which make it PartiallyFailed), hook
 * results and the log, also passed on to the agent's logger.
 */
export class BackupReport {
  readonly warnings: BackupMessage[] = [];
  readonly errors: BackupMessage[] = [];
  readonly hooks: HookResult[] = [];
  readonly log: BackupLogEntry[] = [];
  /** Errors and warnings beyond what the lists keep. */
  droppedMessages = 0;
  stage = "discover";

  constructor(private readonly logger: Logger) {}

  info(message: string): void {
    this.#append("info", message, {});
    this.logger.info({ stage: this.stage }, message);
  }

  warn(message: string, about: MessageAbout = {}): void {
    this.#keep(this.warnings, message, about);
    this.#append("warn", message, about);
    this.logger.warn({ stage: this.stage, ...about }, message);
  }

  error(message: string, about: MessageAbout = {}): void {
    this.#keep(this.errors, message, about);
    this.#append("error", message, about);
    this.logger.error({ stage: this.stage, ...about }, message);
  }

  hook(result: HookResult): void {
    this.hooks.push(result);
    const where = `${result.namespace}/${result.pod} container ${result.container}`;
    if (result.succeeded) this.info(`${result.phase} hook "${result.hook}" succeeded in ${where}`);
    else this.error(`${result.phase} hook "${result.hook}" failed in ${where}: ${result.error}`, { namespace: result.namespace, name: result.pod });
  }

  #keep(list: BackupMessage[], message: string, about: MessageAbout): void {
    if (list.length >= MAX_MESSAGES) this.droppedMessages++;
    else list.push(create(BackupMessageSchema, { ...about, message }));
  }

  #append(level: BackupLogEntry["level"], message: string, about: MessageAbout): void {
    if (this.log.length >= MAX_LOG_ENTRIES) return;
    this.log.push({ time: new Date().toISOString(), level, stage: this.stage, message, ...about });
  }
}
