import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { loadStaticFile, type StaticFile } from "../static-file.ts";
import { buildWorldMap, loadAtlas } from "./map/world-map.ts";

/** The page scripts and the stylesheet, served as they are: plain browser modules, no bundler. */
const OWN_FILES = [
  "site.css",
  "signal-chart.js",
  "official-band.js",
  "utc-time.js",
  "home-page.js",
  "service-page.js",
  "incident-page.js",
];

/** Files of npm packages, served from node_modules under their own names. */
const PACKAGE_FILES = ["uplot/dist/uPlot.iife.min.js", "uplot/dist/uPlot.min.css"];

/**
 * Every file the pages load, read (or built) once per process. They are served under
 * /assets/<version>/<name>, where the version is a hash of them all, so they can be cached for a
 * year and a deploy that changes any of them changes every URL; one version for all keeps relative
 * imports between the scripts working.
 */
export class WebAssets {
  readonly version: string;
  readonly #files: Map<string, StaticFile>;

  constructor(files: Map<string, StaticFile>) {
    const hash = createHash("sha256");
    for (const [name, file] of files) hash.update(name).update("\0").update(file.body);
    this.version = hash.digest("hex").slice(0, 12);
    this.#files = files;
  }

  /** Reads the assets from this folder and node_modules, and projects the world map. */
  static load(): WebAssets {
    const require = createRequire(import.meta.url);
    const files = new Map<string, StaticFile>();
    for (const name of OWN_FILES) {
      files.set(name, loadStaticFile(fileURLToPath(new URL(`./assets/${name}`, import.meta.url))));
    }
    for (const path of PACKAGE_FILES) {
      files.set(path.slice(path.lastIndexOf("/") + 1), loadStaticFile(require.resolve(path)));
    }
    const map = new Uint8Array(Buffer.from(buildWorldMap(loadAtlas()).svg));
    files.set("world.svg", {
      body: map,
      gzipped: new Uint8Array(gzipSync(map, { level: 9 })),
      contentType: "image/svg+xml",
    });
    return new WebAssets(files);
  }

  /** The URL of an asset, with the version that makes it cacheable for ever. */
  url(name: string): string {
    if (!this.#files.has(name)) throw new Error(`no asset ${name}`);
    return `/assets/${this.version}/${name}`;
  }

  get(name: string): StaticFile | undefined {
    return this.#files.get(name);
  }
}

let loaded: WebAssets | undefined;

/**
 * The process's assets, loaded on the first page or asset request rather than at start-up: every
 * test builds an app, few of them show a page.
 */
export function webAssets(): WebAssets {
  loaded ??= WebAssets.load();
  return loaded;
}
