import type { Service } from "@outcry/core";
import type { ApiDeps } from "../../app-env.ts";
import { ApiError } from "../../errors.ts";

/** The catalog's service for a route's `slug`, or the 404 every service route answers. */
export function findService(deps: ApiDeps, slug: string): Service {
  const service = deps.catalog().get(slug);
  if (!service) throw new ApiError({ code: "not_found", message: `no service "${slug}"`, field: "slug" });
  return service;
}
