import { createRequire } from "node:module";

// package.json sits one level above both src/ and dist/, so the same path serves tests and builds.
const packageJson = createRequire(import.meta.url)("../package.json") as { version: string };

/** This agent's component and version, as hello and Register send them. */
export const AGENT_BUILD = { component: "agent", version: packageJson.version } as const;
