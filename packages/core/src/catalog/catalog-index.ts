import type { Catalog, Service } from "../service.ts";

/** Read-side view of the catalog: lookups by slug and problem checks, built once per catalog load. */
export class CatalogIndex {
  readonly #services: Map<string, Service>;
  readonly #problems: Map<string, Set<string>>;

  constructor(catalog: Catalog) {
    this.#services = new Map(catalog.map((service) => [service.slug, service]));
    this.#problems = new Map(
      catalog.map((service) => [service.slug, new Set(service.problems.map((problem) => problem.id))]),
    );
  }

  get size(): number {
    return this.#services.size;
  }

  get(slug: string): Service | undefined {
    return this.#services.get(slug);
  }

  hasProblem(slug: string, problem: string): boolean {
    return this.#problems.get(slug)?.has(problem) ?? false;
  }

  list(): Service[] {
    return [...this.#services.values()];
  }
}
