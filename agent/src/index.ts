// The agent: connection, executor and pipelines arrive with their issues.
export const component = "agent";
