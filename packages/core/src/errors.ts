/**
 * A dependency (Postgres, Redis) cannot be reached right now. Edges answer 503 with Retry-After;
 * the condition heals by itself when the dependency returns.
 */
export class DependencyUnavailableError extends Error {
  override name = "DependencyUnavailableError";
  readonly dependency: "postgres" | "redis";
  constructor(dependency: "postgres" | "redis", options?: ErrorOptions) {
    super(`${dependency} is unavailable`, options);
    this.dependency = dependency;
  }
}
