import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import dockerignore from "@balena/dockerignore";
import { ScaledObject, TriggerAuthentication } from "@kubernetes-models/keda/keda.sh/v1alpha1";
import { signalsQueueName } from "@outcry/queue";
import { Deployment } from "kubernetes-models/apps/v1";
import { HorizontalPodAutoscaler } from "kubernetes-models/autoscaling/v2";
import { Job } from "kubernetes-models/batch/v1";
import { Ingress } from "kubernetes-models/networking.k8s.io/v1";
import { PodDisruptionBudget } from "kubernetes-models/policy/v1";
import { ConfigMap, Service } from "kubernetes-models/v1";
import { beforeAll, describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import { dockerfileProblems } from "./dockerfile-rules.ts";

// CI's check of infra/: the image, docker-compose.yml, the Grafana dashboard and the Kubernetes
// manifests, all offline (no Docker engine or cluster runs where CI does). docker-compose (Debian's
// 1.29) and kubectl are installed by .ci/run; like the browser tests, these fail without them.

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const ROLES = ["api", "ingest", "aggregator"] as const;
// biome-ignore lint/suspicious/noExplicitAny: parsed YAML and JSON, checked field by field below
type Parsed = any;

/** Every variable Outcry reads: the first column of the README's Configuration table. */
function documentedVariables(): Set<string> {
  return new Set(
    [...read("README.md").matchAll(/^\| `([A-Z][A-Z0-9_]*)`/gm)].map((match) => match[1] as string),
  );
}

/** Runs a tool; its stdout, or an error carrying its stderr. */
function run(command: string, args: string[], env: Record<string, string> = {}): string {
  try {
    return execFileSync(command, args, {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
      timeout: 20_000,
    });
  } catch (error) {
    const failed = error as { code?: string; stderr?: string; message: string };
    if (failed.code === "ENOENT") {
      throw new Error(`${command} is not installed (.ci/run installs it; Debian: see .ci/run's apt steps)`);
    }
    throw new Error(`${command} ${args.join(" ")} failed:\n${failed.stderr ?? failed.message}`);
  }
}

describe("the container image (infra/docker/Dockerfile)", () => {
  const expected = {
    nodeVersion: read(".node-version").trim(),
    pnpmVersion: (JSON.parse(read("package.json")).packageManager as string).replace(/^pnpm@/, ""),
  };

  it("passes the lint rules: multi-stage, Node 24 slim, production dependencies, non-root, health check", () => {
    expect(dockerfileProblems(read("infra/docker/Dockerfile"), expected)).toEqual([]);
  });

  it("the lint rules catch a Dockerfile that breaks them", () => {
    const broken = [
      "ARG NODE_VERSION=22.0.0",
      "FROM node:latest",
      "MAINTAINER someone",
      "WORKDIR app",
      "ADD . .",
      "RUN cd apps && npm install -g pnpm && apt-get install -y curl",
      "RUN pnpm install",
      "COPY --from=builder /app /app",
      "USER root",
      "CMD node apps/outcry/src/main.ts start",
    ].join("\n");
    const problems = dockerfileProblems(broken, expected).join("\n");
    for (const rule of ["DL3007", "DL4000", "DL3000", "DL3020", "DL3003", "DL3016", "DL3015", "DL3009"]) {
      expect(problems).toContain(`[${rule}]`);
    }
    for (const rule of ["DL3022", "DL3002", "DL3025", "multi-stage", "Node 24 slim", "HEALTHCHECK"]) {
      expect(problems).toContain(rule);
    }
    expect(problems).toContain("--prod");
    expect(problems).toContain("NODE_VERSION should default to");
  });

  it("its build context keeps every file the roles read at run time, and no tests or dependencies", () => {
    // A CommonJS module whose exports are the factory, with itself as `default` for ES imports.
    const ignore = dockerignore.default().add(read(".dockerignore"));
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
        const path = dir ? `${dir}/${entry.name}` : entry.name;
        if (entry.name === ".git" || entry.name === "node_modules" || entry.name === ".tools") continue;
        if (entry.isDirectory()) walk(path);
        else files.push(path);
      }
    };
    walk("");
    const kept = files.filter((path) => !ignore.ignores(path));
    const runtime = files.filter(
      (path) =>
        /^(apps|packages)\/[^/]+\/package\.json$/.test(path) ||
        /^(apps|packages)\/[^/]+\/src\/.*\.(ts|json|js|css)$/.test(path) ||
        /^packages\/db\/drizzle\//.test(path) ||
        /^packages\/text\/corpus\/.*\.jsonl$/.test(path) ||
        ["package.json", "pnpm-lock.yaml", "pnpm-workspace.yaml"].includes(path),
    );
    const runtimeOnly = runtime.filter(
      (path) => !path.endsWith(".test.ts") && !path.startsWith("packages/testing/"),
    );
    expect(runtimeOnly.filter((path) => ignore.ignores(path))).toEqual([]);
    expect(kept).toContain("packages/text/corpus/en-outage.jsonl");
    expect(kept).toContain("packages/text/src/gazetteer/places.json");
    expect(kept).toContain("packages/db/drizzle/meta/_journal.json");
    expect(kept.filter((path) => /(^|\/)(test|bench|node_modules)\/|\.test\.ts$/.test(path))).toEqual([]);
    expect(kept.filter((path) => path.startsWith("docs/") || path.startsWith(".data/"))).toEqual([]);
  });
});

describe("docker-compose.yml", () => {
  // merge: the services share their settings through YAML merge keys, as Compose reads them.
  const compose = parse(read("docker-compose.yml"), { merge: true });
  const service = (name: string): Parsed => compose.services[name];

  it("is a valid Compose file (docker-compose config -q)", () => {
    run("docker-compose", ["-f", "docker-compose.yml", "config", "-q"], {
      REPORTER_KEY_SECRET: "a-secret-for-the-check-only",
    });
  });

  it("runs Postgres and Redis with volumes and health checks, Redis with its AOF on", () => {
    expect(service("postgres").image).toMatch(/^postgres:\d+/);
    expect(service("postgres").volumes[0]).toMatch(/:\/var\/lib\/postgresql\/data$/);
    expect(service("postgres").healthcheck.test).toContain("pg_isready");
    expect(service("redis").image).toMatch(/^redis:\d/);
    expect(service("redis").command.join(" ")).toContain("--appendonly yes");
    expect(service("redis").command.join(" ")).toContain("--maxmemory-policy noeviction");
    expect(service("redis").volumes[0]).toMatch(/:\/data$/);
    expect(service("redis").healthcheck.test).toContain("ping");
  });

  it("migrates once before the roles start: two api replicas behind a proxy, one ingest, two aggregators", () => {
    expect(service("migrate").command).toEqual(["migrate"]);
    expect(service("migrate").restart).toBe("no");
    for (const role of ROLES) {
      expect(service(role).command).toEqual(["start", "--role", role]);
      expect(service(role).build.dockerfile).toBe("infra/docker/Dockerfile");
      expect(service(role).depends_on.migrate.condition).toBe("service_completed_successfully");
    }
    expect(service("api").deploy.replicas).toBe(2);
    expect(service("aggregator").deploy.replicas).toBe(2);
    expect(service("ingest").deploy?.replicas ?? 1).toBe(1);
    expect(service("api").environment.TRUST_PROXY).toBe("1");
    expect(service("proxy").ports[0]).toMatch(/:80$/);
    const caddyfile = read("infra/proxy/Caddyfile");
    expect(caddyfile).toMatch(/name api\s+port 3000/);
    // The proxy is the public entrance: metrics stay inside, and it names no server software.
    expect(caddyfile).toMatch(/^\s*respond \/metrics 404$/m);
    expect(caddyfile).toMatch(/^\s*header -Server$/m);
  });

  it("sets only variables Outcry reads", () => {
    const documented = documentedVariables();
    for (const role of ["migrate", ...ROLES]) {
      const names = Object.keys(service(role).environment);
      expect(names.filter((name) => !documented.has(name))).toEqual([]);
    }
  });

  it("has a monitoring profile: Prometheus scraping every role, Grafana provisioned with the dashboard", () => {
    for (const name of ["prometheus", "grafana"]) expect(service(name).profiles).toEqual(["monitoring"]);
    for (const name of ["proxy", "prometheus", "grafana"]) {
      for (const volume of service(name).volumes as string[]) {
        if (volume.startsWith("./"))
          expect(existsSync(join(ROOT, volume.split(":")[0] as string))).toBe(true);
      }
    }
    const prometheus = parse(read("infra/prometheus/prometheus.yml"));
    const names = prometheus.scrape_configs[0].dns_sd_configs[0].names;
    expect(names).toEqual([...ROLES]);
    const datasource = parse(read("infra/grafana/provisioning/datasources/prometheus.yml")).datasources[0];
    const provider = parse(read("infra/grafana/provisioning/dashboards/outcry.yml")).providers[0];
    expect(service("grafana").volumes).toContain(`./infra/grafana/dashboards:${provider.options.path}:ro`);
    const dashboard = JSON.parse(read("infra/grafana/dashboards/outcry.json"));
    for (const panel of dashboard.panels) expect(panel.datasource.uid).toBe(datasource.uid);
  });
});

describe("the Grafana dashboard (infra/grafana/dashboards/outcry.json)", () => {
  const dashboard = JSON.parse(read("infra/grafana/dashboards/outcry.json"));
  const panels = dashboard.panels as Array<{ title: string; targets: Array<{ expr: string }> }>;

  it("has the panels an operator needs", () => {
    const titles = panels.map((panel) => panel.title).join("\n");
    for (const title of [
      "Intake rate",
      "Queue depth",
      "Queue lag",
      "Signal batch latency",
      "Detector tick time",
      "Open incidents",
      "Jetstream lag",
    ]) {
      expect(titles).toContain(title);
    }
  });

  it("queries only metrics that Outcry exports", () => {
    const exported = new Set(
      sourceFiles().flatMap((path) =>
        [...read(path).matchAll(/name: "(outcry_\w+)"/g)].map((match) => match[1]),
      ),
    );
    const used = panels.flatMap((panel) =>
      panel.targets.flatMap((target) =>
        [...target.expr.matchAll(/\b(outcry_\w+)/g)].map((match) => match[1]),
      ),
    );
    expect(used.length).toBeGreaterThan(10);
    const unknown = used
      .map((name) => (name as string).replace(/_(bucket|sum|count)$/, ""))
      .filter((name) => !exported.has(name));
    expect(unknown).toEqual([]);
  });
});

/** Every non-test TypeScript file under apps/ and packages/ src folders. */
function sourceFiles(): string[] {
  const files: string[] = [];
  for (const top of ["apps", "packages"]) {
    for (const name of readdirSync(join(ROOT, top))) {
      const src = join(top, name, "src");
      if (!existsSync(join(ROOT, src))) continue;
      for (const file of readdirSync(join(ROOT, src), { recursive: true, encoding: "utf8" })) {
        if (file.endsWith(".ts") && !file.endsWith(".test.ts")) files.push(join(src, file));
      }
    }
  }
  return files;
}

interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec?: Parsed;
  data?: Record<string, string>;
}

/** The schema of each kind the manifests use; a kind missing here fails the check. */
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  "apps/v1 Deployment": Deployment,
  "autoscaling/v2 HorizontalPodAutoscaler": HorizontalPodAutoscaler,
  "batch/v1 Job": Job,
  "networking.k8s.io/v1 Ingress": Ingress,
  "policy/v1 PodDisruptionBudget": PodDisruptionBudget,
  "v1 ConfigMap": ConfigMap,
  "v1 Service": Service,
  "keda.sh/v1alpha1 ScaledObject": ScaledObject,
  "keda.sh/v1alpha1 TriggerAuthentication": TriggerAuthentication,
};

/** Schema errors of one object, or undefined when it is valid. */
function schemaErrors(object: K8sObject): string | undefined {
  const Model = MODELS[`${object.apiVersion} ${object.kind}`];
  if (!Model) return `no schema known for ${object.apiVersion} ${object.kind}`;
  try {
    new Model(object as never).validate();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** Renders a kustomization with `kubectl kustomize`, one object per document. */
function kustomize(dir: string): K8sObject[] {
  const output = run("kubectl", ["kustomize", `infra/k8s/${dir}`]);
  return parseAllDocuments(output)
    .map((document) => document.toJS() as K8sObject)
    .filter(Boolean);
}

describe("the Kubernetes manifests (infra/k8s)", () => {
  const overlays = ["small", "large"] as const;
  const rendered = {} as Record<(typeof overlays)[number], K8sObject[]>;
  beforeAll(() => {
    for (const overlay of overlays) rendered[overlay] = kustomize(`overlays/${overlay}`);
  });
  const find = (objects: K8sObject[], kind: string, name: string) =>
    objects.find((object) => object.kind === kind && object.metadata.name === name);
  const podLabels = (deployment: K8sObject) =>
    deployment.spec.template.metadata.labels as Record<string, string>;
  const matches = (selector: Record<string, string>, labels: Record<string, string>) =>
    Object.entries(selector).every(([key, value]) => labels[key] === value);

  it.each(overlays)("%s: every object is valid against the Kubernetes and KEDA schemas", (overlay) => {
    const objects = rendered[overlay];
    expect(objects.length).toBeGreaterThanOrEqual(10);
    const errors = objects
      .map((object) => [`${object.kind}/${object.metadata.name}`, schemaErrors(object)] as const)
      .filter(([, error]) => error !== undefined);
    expect(errors).toEqual([]);
    for (const object of objects) expect(object.metadata.namespace).toBe("outcry");
  });

  it("the schema check rejects a broken object", () => {
    const deployment = structuredClone(find(rendered.small, "Deployment", "outcry-api") as K8sObject);
    deployment.spec.template.spec.containers[0].ports[0].containerPort = "3000";
    expect(schemaErrors(deployment)).toMatch(/containerPort must be integer/);
    const scaledObject = structuredClone(
      find(rendered.large, "ScaledObject", "outcry-aggregator") as K8sObject,
    );
    delete scaledObject.spec.scaleTargetRef;
    expect(schemaErrors(scaledObject)).toMatch(/scaleTargetRef/);
  });

  it.each(overlays)(
    "%s: a Deployment per role, probed on /healthz and /readyz, with requests and limits, not as root",
    (overlay) => {
      const objects = rendered[overlay];
      const config = objects.find((object) => object.kind === "ConfigMap") as K8sObject;
      for (const role of ROLES) {
        const deployment = find(objects, "Deployment", `outcry-${role}`) as K8sObject;
        expect(deployment, role).toBeDefined();
        const pod = deployment.spec.template.spec;
        const [container] = pod.containers;
        expect(container.args).toEqual(["start", "--role", role]);
        expect(container.image).toMatch(/:[\w.-]+$/);
        expect(container.image).not.toMatch(/:latest$/);
        expect(container.livenessProbe.httpGet.path).toBe("/healthz");
        expect(container.readinessProbe.httpGet.path).toBe("/readyz");
        expect(container.livenessProbe.httpGet.port).toBe(container.ports[0].name);
        for (const kind of ["requests", "limits"]) {
          expect(Object.keys(container.resources[kind]).sort()).toEqual(["cpu", "memory"]);
        }
        expect(pod.securityContext.runAsNonRoot).toBe(true);
        expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
        expect(
          container.envFrom.map((source: { configMapRef?: { name: string } }) => source.configMapRef?.name),
        ).toContain(config.metadata.name);
        const budget = find(objects, "PodDisruptionBudget", `outcry-${role}`) as K8sObject;
        expect(matches(budget.spec.selector.matchLabels, podLabels(deployment))).toBe(true);
      }
      expect(Object.keys(config.data ?? {}).filter((name) => !documentedVariables().has(name))).toEqual([]);
      expect(config.data?.HOST).toBe("0.0.0.0");
    },
  );

  it.each(overlays)("%s: the api has a Service, an Ingress and a CPU autoscaler", (overlay) => {
    const objects = rendered[overlay];
    const deployment = find(objects, "Deployment", "outcry-api") as K8sObject;
    const service = find(objects, "Service", "outcry-api") as K8sObject;
    expect(matches(service.spec.selector, podLabels(deployment))).toBe(true);
    const portNames = deployment.spec.template.spec.containers[0].ports.map(
      (port: { name: string }) => port.name,
    );
    expect(portNames).toContain(service.spec.ports[0].targetPort);
    const ingress = find(objects, "Ingress", "outcry-api") as K8sObject;
    const routes: Array<{
      path: string;
      pathType: string;
      backend: { service: { name: string; port: { name: string } } };
    }> = ingress.spec.rules[0].http.paths;
    for (const { backend } of routes) {
      expect(backend.service.name).toBe(service.metadata.name);
      expect(backend.service.port.name).toBe(service.spec.ports[0].name);
    }
    // Only the public surface is routed: the pages, their assets, the API and its reference.
    const routed = (path: string) =>
      routes.some((route) =>
        route.pathType === "Exact"
          ? route.path === path
          : path === route.path || path.startsWith(`${route.path}/`),
      );
    const publicPaths = ["/", "/services/spotify", "/incidents/1", "/assets/0a1b/app.js", "/v1/stream"];
    for (const path of [
      ...publicPaths,
      "/v1/reports",
      "/docs",
      "/docs/assets/0a1b/init.js",
      "/openapi.json",
    ]) {
      expect(routed(path), path).toBe(true);
    }
    for (const path of ["/metrics", "/healthz", "/readyz"]) expect(routed(path), path).toBe(false);
    const autoscaler = find(objects, "HorizontalPodAutoscaler", "outcry-api") as K8sObject;
    expect(autoscaler.spec.scaleTargetRef).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "outcry-api",
    });
    expect(autoscaler.spec.metrics[0].resource.name).toBe("cpu");
    expect(autoscaler.spec.minReplicas).toBeGreaterThanOrEqual(2);
    // The autoscaler owns the count: a fixed one would be reset on every apply.
    expect(deployment.spec.replicas).toBeUndefined();
  });

  it.each(overlays)("%s: a Job applies the migrations with the roles' configuration", (overlay) => {
    const objects = rendered[overlay];
    const job = find(objects, "Job", "outcry-migrate") as K8sObject;
    const [container] = job.spec.template.spec.containers;
    expect(container.args).toEqual(["migrate"]);
    const api = (find(objects, "Deployment", "outcry-api") as K8sObject).spec.template.spec.containers[0];
    expect(container.image).toBe(api.image);
    expect(container.envFrom).toEqual(api.envFrom);
  });

  it("large: KEDA scales the aggregators on the length of the signals wait list", () => {
    const objects = rendered.large;
    const scaled = find(objects, "ScaledObject", "outcry-aggregator") as K8sObject;
    expect(scaled.spec.scaleTargetRef.name).toBe("outcry-aggregator");
    const [trigger] = scaled.spec.triggers;
    expect(trigger.type).toBe("redis");
    const prefix = (objects.find((object) => object.kind === "ConfigMap") as K8sObject).data?.QUEUE_PREFIX;
    // BullMQ keeps waiting jobs in the Redis list "<prefix>:<queue>:wait" (apps/aggregator's
    // queue-metrics test checks that list against the queue's own count).
    expect(trigger.metadata.listName).toBe(`${prefix}:${signalsQueueName(0)}:wait`);
    expect(find(objects, "TriggerAuthentication", trigger.authenticationRef.name)).toBeDefined();
    const deployment = find(objects, "Deployment", "outcry-aggregator") as K8sObject;
    expect(deployment.spec.replicas).toBeUndefined();
    expect(find(rendered.small, "ScaledObject", "outcry-aggregator")).toBeUndefined();
    expect((find(rendered.small, "Deployment", "outcry-aggregator") as K8sObject).spec.replicas).toBe(2);
  });
});
