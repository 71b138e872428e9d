/**
 * A small Dockerfile linter for infra/docker/Dockerfile: the hadolint rules that apply to an image
 * like ours (their codes in brackets), and the project's own (one image for every role, Node 24
 * slim, production dependencies only, non-root, a health check). hadolint itself is neither in
 * Debian 12 nor on the npm registry as a binary, and no Docker engine runs where CI does.
 */

export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** Instructions with their continuation lines joined; comments and blank lines dropped. */
export function parseDockerfile(text: string): Instruction[] {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split("\n").forEach((raw, index) => {
    const line = raw.trim();
    if (line.startsWith("#") || (line === "" && !pending)) return;
    const continued = line.endsWith("\\");
    const part = continued ? line.slice(0, -1) : line;
    pending = pending ? { ...pending, text: `${pending.text} ${part}` } : { text: part, line: index + 1 };
    if (continued) return;
    const match = /^(\S+)\s*(.*)$/s.exec(pending.text) as RegExpExecArray;
    instructions.push({
      keyword: (match[1] as string).toUpperCase(),
      args: match[2] as string,
      line: pending.line,
    });
    pending = undefined;
  });
  return instructions;
}

export interface DockerfileExpectations {
  /** .node-version: the default of ARG NODE_VERSION. */
  nodeVersion: string;
  /** package.json's packageManager version: the default of ARG PNPM_VERSION. */
  pnpmVersion: string;
}

/** Every rule the Dockerfile breaks, one line each ("line 12: ..."); empty when it passes. */
export function dockerfileProblems(text: string, expected: DockerfileExpectations): string[] {
  const instructions = parseDockerfile(text);
  const problems: string[] = [];
  const fail = (at: Instruction | undefined, message: string): void => {
    problems.push(at ? `line ${at.line}: ${message}` : message);
  };

  // ARGs declared before the first FROM give the defaults that FROM lines may use.
  const args = new Map<string, string>();
  const stages: Array<{ from: Instruction; image: string; alias: string | undefined; body: Instruction[] }> =
    [];
  for (const instruction of instructions) {
    const { keyword, args: rest } = instruction;
    if (keyword === "ARG") {
      const [name, value] = rest.split("=", 2) as [string, string | undefined];
      if (value !== undefined) args.set(name.trim(), value.trim());
    }
    if (keyword === "FROM") {
      const words = rest.split(/\s+/).filter((word) => !word.startsWith("--"));
      const image = (words[0] ?? "").replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => args.get(a ?? b) ?? "");
      const alias = words[1]?.toUpperCase() === "AS" ? words[2] : undefined;
      stages.push({ from: instruction, image, alias, body: [] });
    } else {
      stages.at(-1)?.body.push(instruction);
    }
  }

  if (args.get("NODE_VERSION") !== expected.nodeVersion) {
    fail(undefined, `ARG NODE_VERSION should default to ${expected.nodeVersion} (.node-version)`);
  }
  if (args.get("PNPM_VERSION") !== expected.pnpmVersion) {
    fail(undefined, `ARG PNPM_VERSION should default to ${expected.pnpmVersion} (packageManager)`);
  }
  if (stages.length < 2) fail(undefined, "multi-stage: dependencies are installed in a stage of their own");
  const aliases = new Set<string>();
  for (const stage of stages) {
    const isStage = aliases.has(stage.image);
    if (!isStage) {
      const tag = /:([^/@]+)$/.exec(stage.image)?.[1];
      if (!tag && !stage.image.includes("@")) fail(stage.from, `[DL3006] tag the image "${stage.image}"`);
      if (tag === "latest") fail(stage.from, `[DL3007] use a fixed tag, not latest, for "${stage.image}"`);
    }
    if (stage.alias) aliases.add(stage.alias);
    const count = (keyword: string) => stage.body.filter((entry) => entry.keyword === keyword).length;
    if (count("CMD") > 1) fail(stage.from, "[DL4003] more than one CMD in a stage");
    if (count("ENTRYPOINT") > 1) fail(stage.from, "[DL4004] more than one ENTRYPOINT in a stage");
    for (const instruction of stage.body) {
      const { keyword, args: rest } = instruction;
      if (keyword === "MAINTAINER") fail(instruction, "[DL4000] MAINTAINER is deprecated: use a LABEL");
      if (keyword === "ADD") fail(instruction, "[DL3020] use COPY, not ADD, for files and folders");
      if (keyword === "WORKDIR" && !rest.startsWith("/"))
        fail(instruction, "[DL3000] WORKDIR must be absolute");
      if ((keyword === "CMD" || keyword === "ENTRYPOINT") && !isJsonArray(rest)) {
        fail(instruction, `[DL3025] ${keyword} in exec (JSON) form, so signals reach Node`);
      }
      if (keyword === "COPY") {
        const from = /--from=(\S+)/.exec(rest)?.[1];
        if (from && !aliases.has(from) && !/^\d+$/.test(from)) {
          fail(instruction, `[DL3022] COPY --from=${from} names no earlier stage`);
        }
      }
      if (keyword === "RUN") {
        for (const message of runProblems(rest)) fail(instruction, message);
      }
    }
  }

  const final = stages.at(-1);
  if (!final) return [...problems, "no FROM"];
  if (!/^node:24(\.[\d.]+)?-(\w+-)?slim$/.test(final.image)) {
    fail(final.from, `the runtime image is Node 24 slim (got "${final.image}")`);
  }
  const last = (keyword: string) => final.body.filter((entry) => entry.keyword === keyword).at(-1);
  const user = last("USER");
  if (!user) fail(final.from, "[DL3002] the runtime stage sets a non-root USER");
  else if (/^(root|0)(:|$)/.test(user.args)) fail(user, "[DL3002] the last USER must not be root");
  const healthcheck = last("HEALTHCHECK");
  if (!healthcheck?.args.includes("/healthz")) fail(final.from, "a HEALTHCHECK probes /healthz");
  const env = new Map(
    final.body
      .filter((entry) => entry.keyword === "ENV")
      .flatMap((entry) => [...entry.args.matchAll(/(\w+)=(\S+)/g)].map((m) => [m[1], m[2]] as const)),
  );
  if (env.get("HOST") !== "0.0.0.0")
    fail(final.from, "ENV HOST=0.0.0.0: a container listens on every address");
  const entrypoint = last("ENTRYPOINT");
  if (!entrypoint?.args.includes("apps/outcry/src/main.ts")) {
    fail(final.from, "ENTRYPOINT runs apps/outcry/src/main.ts, the one binary of every role");
  }
  const install = stages
    .flatMap((stage) => stage.body)
    .find((entry) => entry.keyword === "RUN" && /\bpnpm install\b/.test(entry.args));
  if (!install) fail(undefined, "dependencies are installed with pnpm install");
  else {
    if (!install.args.includes("--prod")) fail(install, "pnpm install --prod: production dependencies only");
    if (!install.args.includes("--frozen-lockfile")) fail(install, "pnpm install --frozen-lockfile");
  }
  return problems;
}

function runProblems(command: string): string[] {
  const problems: string[] = [];
  if (/(^|[;&|]\s*)cd\s/.test(command)) problems.push("[DL3003] use WORKDIR, not cd");
  if (/\bsudo\b/.test(command)) problems.push("[DL3004] no sudo");
  if (/\bapt-get\s+install\b/.test(command)) {
    if (!command.includes("--no-install-recommends"))
      problems.push("[DL3015] apt-get install --no-install-recommends");
    if (!command.includes("rm -rf /var/lib/apt/lists"))
      problems.push("[DL3009] remove the apt lists after install");
  }
  const npmGlobal = /\bnpm\s+(?:install|i)\s+(.*?)(?:&&|;|$)/.exec(command);
  if (npmGlobal) {
    const packages = (npmGlobal[1] as string).split(/\s+/).filter((word) => word && !word.startsWith("-"));
    for (const name of packages) {
      if (!/.@[^@/]+$/.test(name)) problems.push(`[DL3016] pin the version of ${name} (name@version)`);
    }
  }
  return problems;
}

function isJsonArray(text: string): boolean {
  try {
    return Array.isArray(JSON.parse(text));
  } catch {
    return false;
  }
}
