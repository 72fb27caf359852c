/** The hub's component name and version, sent to agents in Welcome.build. */
export const HUB_BUILD = { component: "hub", version: "0.1.0" } as const;
