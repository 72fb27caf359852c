import { Observable, type ConfigurationOptions, type RequestContext, type ResponseContext } from "@kubernetes/client-node";

/**
 * Per-call options that tie one client-node request to `signal`: aborting it aborts the HTTP
 * request. client-node takes a signal only through a request middleware.
 */
export function withSignal(signal: AbortSignal | undefined): ConfigurationOptions | undefined {
  if (!signal) return undefined;
  return {
    middleware: [
      {
        pre: (context: RequestContext) => {
          context.setSignal(signal);
          return new Observable(Promise.resolve(context));
        },
        post: (context: ResponseContext) => new Observable(Promise.resolve(context)),
      },
    ],
    middlewareMergeStrategy: "append",
  };
}
