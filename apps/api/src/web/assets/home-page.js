// The list of services: filtered as you type (the same matching as the server's ?q=), and each
// service's status kept current from the live stream's minute counts.

const input = document.getElementById("q");
const list = document.getElementById("services");
const summary = document.getElementById("search-summary");
const noMatch = document.getElementById("no-match");
const troubled = document.getElementById("troubled");
const items = [...list.querySelectorAll("li")];
const LABELS = { problems: "Problems", possible: "Possible problems", ok: "OK", unknown: "No data" };

/** Lower case without accents, as the server folds names and queries. */
const fold = (text) => text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase();

function filter() {
  const words = fold(input.value).split(/\s+/).filter(Boolean);
  let shown = 0;
  for (const item of items) {
    item.hidden = !words.every((word) => item.dataset.search.includes(word));
    if (!item.hidden) shown++;
  }
  summary.textContent =
    words.length === 0
      ? `${items.length} services`
      : `${shown} of ${items.length} services match “${input.value.trim()}”`;
  noMatch.hidden = shown > 0;
  // Keep the address shareable, as the form would have made it.
  const url = new URL(location.href);
  if (words.length === 0) url.searchParams.delete("q");
  else url.searchParams.set("q", input.value.trim());
  history.replaceState(null, "", url);
}

input.addEventListener("input", filter);

function setStatus(item, status) {
  const label = item.querySelector(".status-label");
  if (label.dataset.status === status) return;
  label.dataset.status = status;
  label.className = `status-label status-${status}`;
  label.textContent = LABELS[status];
}

// Every minute's counts event names each service with signals or an unusual status; one it does
// not name is back to normal.
new EventSource("/v1/stream").addEventListener("counts", (event) => {
  const statuses = new Map(JSON.parse(event.data).services.map((entry) => [entry.service, entry.status]));
  for (const item of items) {
    const current = item.querySelector(".status-label").dataset.status;
    const status = statuses.get(item.dataset.slug) ?? (current === "unknown" ? "unknown" : "ok");
    setStatus(item, status);
  }
  const count = items.filter(
    (item) => item.querySelector(".status-label").dataset.status === "problems",
  ).length;
  troubled.textContent =
    count === 0
      ? "No service shows problems right now."
      : `${count} ${count === 1 ? "service shows" : "services show"} problems right now.`;
});
