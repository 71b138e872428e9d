// Fake Statuspages for the official-sources benchmark, in a process of their own so their CPU is
// not counted as the poller's. Told over IPC how many pages on how many hosts; every `churnMs` it
// changes a share of the pages (a component flips, an incident opens or resolves), the rest answer
// 304 to conditional requests, as real pages mostly do.
import { FakeStatuspage, type FakeStatuspagePage } from "@outcry/testing";

interface Setup {
  pages: number;
  hosts: number;
  churnShare: number;
  churnMs: number;
}

const send = (message: unknown) => process.send?.(message);

process.once("message", async (setup: Setup) => {
  const servers = await Promise.all(Array.from({ length: setup.hosts }, () => FakeStatuspage.start()));
  const pages: FakeStatuspagePage[] = [];
  for (let index = 0; index < setup.pages; index++) {
    const server = servers[index % servers.length] as FakeStatuspage;
    pages.push(
      server.addPage(`page-${index}`, { name: `Page ${index}`, components: ["Apps/API", "Apps/Web", "CDN"] }),
    );
  }
  const open = new Map<FakeStatuspagePage, string>();
  let round = 0;
  const churn = setInterval(() => {
    round++;
    const count = Math.round(pages.length * setup.churnShare);
    for (let n = 0; n < count; n++) {
      const page = pages[(round * 7919 + n * 104729) % pages.length] as FakeStatuspagePage;
      const incident = open.get(page);
      if (incident) {
        page.resolveIncident(incident);
        page.setComponent("API", "operational");
        open.delete(page);
      } else {
        open.set(
          page,
          page.openIncident({
            name: "Elevated errors",
            impact: "minor",
            body: "Investigating.",
            components: ["API"],
          }),
        );
        page.setComponent("API", "degraded_performance");
      }
    }
  }, setup.churnMs);
  send({ urls: pages.map((page) => page.url) });
  process.once("message", async () => {
    clearInterval(churn);
    await Promise.all(servers.map((server) => server.close()));
    send({ closed: true });
    process.exit(0);
  });
});
