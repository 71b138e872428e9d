import { describe, expect, it } from "vitest";
import { FAULTS } from "../chaos/chaos-faults.ts";
import { OutcryProcess } from "../chaos/outcry-process.ts";
import { SECURITY_CHECK_NAMES } from "../chaos/security-checks.ts";

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

// The chaos suite's quick run, as an operator runs it: separate processes on a private Postgres and
// Redis, every fault injected once under load. It exits 0 only if every acknowledged report was
// counted exactly once and every process recovered by itself; the table has a row per fault.
describe("outcry chaos --quick", () => {
  it("passes every check, with a row for every fault and every security check passed", {
    timeout: 180_000,
  }, async () => {
    const { code, output } = await OutcryProcess.run(["chaos", "--quick"], {});
    expect(code, output).toBe(0);
    for (const fault of FAULTS) {
      expect(output, output).toMatch(new RegExp(`^\\| ${escapeRegExp(fault.name)} +\\|`, "m"));
    }
    expect(output).toMatch(/^\| whole run +\|/m);
    for (const check of SECURITY_CHECK_NAMES) expect(output).toContain(`- security, ${check}: passed`);
    expect(output).toContain("PASS");
  });
});
