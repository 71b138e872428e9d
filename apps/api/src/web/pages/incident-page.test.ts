import type { IncidentRow } from "@outcry/db";
import { describe, expect, it } from "vitest";
import { WebAssets } from "../web-assets.ts";
import { citationLine, type IncidentPageData, incidentTitle, renderIncidentPage } from "./incident-page.ts";

const resolved: IncidentRow = {
  id: "6f1f0e1c-3c5e-4d3b-8c43-0c8e4d7a9b21",
  service: "spotify",
  region: "*",
  source: "all",
  status: "resolved",
  startedAt: new Date("2025-04-16T12:00:00Z"),
  detectedAt: new Date("2025-04-16T12:01:00Z"),
  resolvedAt: new Date("2025-04-16T16:08:00Z"),
  peakAt: new Date("2025-04-16T13:30:00Z"),
  peakCount: 48_000,
  peakExpected: 31.7,
  peakScore: 1,
  globalIncidentId: null,
  updatedAt: new Date("2025-04-16T16:08:10Z"),
};

const data = (incident: IncidentRow, serviceName = "Spotify"): IncidentPageData => ({
  incident,
  serviceName,
  problems: [{ label: "Playback", count: 30, share: 0.75 }],
  regions: [{ region: "US", count: 40, share: 0.8 }],
  official: undefined,
  origin: "https://outcry.example",
  now: Date.parse("2025-11-25T09:00:00Z"),
});

describe("the incident page", () => {
  const assets = WebAssets.load();

  it("has a title that says what, where and when, in UTC", () => {
    expect(incidentTitle(resolved, "Spotify")).toBe(
      "Spotify: problems detected, 16 April 2025, 12:00–16:08 UTC",
    );
    expect(incidentTitle({ ...resolved, region: "GB", resolvedAt: null, status: "open" }, "Spotify")).toBe(
      "Spotify: problems detected in United Kingdom, since 16 April 2025, 12:00 UTC",
    );
  });

  it("suggests a citation with the permalink and the day it was read", () => {
    expect(citationLine(data(resolved))).toBe(
      `Outcry, “Spotify: problems detected, 16 April 2025, 12:00–16:08 UTC”, incident ${resolved.id}. https://outcry.example/incidents/${resolved.id} (retrieved 25 November 2025, 09:00 UTC).`,
    );
    expect(citationLine(data({ ...resolved, status: "open", resolvedAt: null }))).toContain(
      "(ongoing when retrieved)",
    );
  });

  it("tells the timeline, the peak against normal and the permalink", () => {
    const page = renderIncidentPage(data(resolved), assets);
    expect(page).toContain(`<link rel="canonical" href="https://outcry.example/incidents/${resolved.id}">`);
    expect(page).toContain("16 April 2025, 12:00 UTC</time> <span>Began");
    expect(page).toContain("16 April 2025, 16:08 UTC</time> <span>Resolved");
    expect(page).toContain("Peak: 48000 in one minute, against about 32 expected.");
    expect(page).toContain("(1514 times normal)");
    expect(page).toContain("Lasted 4 h 8 min.");
    expect(page).toContain('<span class="bar-label">United States</span>');
  });

  it("shows a hostile service name as text, in the title and the citation", () => {
    const page = renderIncidentPage(data(resolved, `<img src=x onerror=alert(1)>`), assets);
    expect(page).not.toContain("<img src=x");
    expect(page).toContain("<title>&lt;img src=x onerror=alert(1)&gt;: problems detected");
  });

  it("times the provider's acknowledgement and all-clear from the public's onset, either side", () => {
    const onset = resolved.startedAt.getTime();
    const page = (comparison: object, heard = true) =>
      renderIncidentPage(
        {
          ...data(resolved),
          official: {
            heard,
            comparison: { incidentId: resolved.id, onsetAt: onset, ...comparison },
            silence: undefined,
          },
        },
        assets,
      );
    const late = page({
      acknowledgedAt: onset + 47 * 60_000,
      acknowledgementLagMs: 47 * 60_000,
      acknowledgedBy: {
        kind: "incident",
        source: "x",
        ref: "1",
        title: "Something's not quite right",
        start: onset + 47 * 60_000,
      },
      resolvedOfficially: onset + 250 * 60_000,
      resolutionLagMs: 250 * 60_000,
    });
    expect(late).toContain("47 min after the public&#39;s reports began");
    expect(late).toContain("Something&#39;s not quite right");
    expect(late).toContain("Declared resolved");
    const first = page({ acknowledgedAt: onset - 5 * 60_000, acknowledgementLagMs: -5 * 60_000 });
    expect(first).toContain("5 min before the public&#39;s reports began");
    expect(first).toContain("No official all-clear yet.");
    expect(page({})).toContain("No official word about it.");
    expect(page({}, false)).toContain("has not been able to read");
    expect(renderIncidentPage(data(resolved), assets)).not.toContain('id="official-title"');
  });

  it("leaves room in the chart's caption for the provider's word, where Outcry reads the provider", () => {
    const onset = resolved.startedAt.getTime();
    const page = renderIncidentPage(
      {
        ...data(resolved, `Tom & "Jerry"`),
        official: {
          heard: true,
          comparison: { incidentId: resolved.id, onsetAt: onset },
          silence: undefined,
        },
      },
      assets,
    );
    expect(page).toContain(
      'the shaded span is the incident. <span id="chart-official-note" hidden></span></p>',
    );
    // The page script names the provider in the note it writes.
    expect(page).toContain('data-service-name="Tom &amp; &quot;Jerry&quot;"');
    expect(renderIncidentPage(data(resolved), assets)).not.toContain("chart-official-note");
  });
});
