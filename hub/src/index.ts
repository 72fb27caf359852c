// The hub: gRPC services, Redis store, queue, schedules and catalog arrive with their issues.
export const component = "hub";
