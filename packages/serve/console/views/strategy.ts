/**
 * A model's deployment strategy as the service reports it (`strategy` of `GET /v1/models/:name`):
 * which versions take traffic and how the comparison stands. A server without strategies sends
 * none, and nothing is drawn.
 */
import type { Strategy } from "../api.ts";
import { bar, facts, h, percent, table } from "../dom.ts";

/** A share as a fraction: the service sends 0..1; a value above 1 is read as a percentage. */
function fraction(share: number): number {
  return share > 1 ? share / 100 : share;
}

const ms = (v: number | null | undefined): string => (v === null || v === undefined ? "—" : `${v.toFixed(2)} ms`);

/** An arm's p99: none before its first request (the service sends 0 then, not a latency). */
function p99(strategy: Extract<Strategy, { kind: "canary" }>, arm: "live" | "canary"): string {
  return strategy.requests[arm] > 0 ? ms(strategy.p99Ms[arm]) : "—";
}

export function strategyView(strategy: Strategy | undefined): HTMLElement | null {
  if (strategy === undefined || strategy === null) return null;
  const section = h("section", { id: "strategy", className: "card", dataset: { kind: strategy.kind } }, h("h2", null, `Strategy: ${strategy.kind}`));
  switch (strategy.kind) {
    case "single":
      section.append(facts([["live", strategy.live]]));
      break;
    case "silent":
      section.append(
        facts([
          ["live", strategy.live],
          ["shadow", strategy.shadow],
          ["compared", String(strategy.compared)],
          [
            "agreement",
            // None before the first comparison.
            typeof strategy.agreement === "number" && strategy.compared > 0
              ? [percent(fraction(strategy.agreement)), " ", bar(fraction(strategy.agreement), `agreement ${percent(fraction(strategy.agreement))}`)]
              : "—",
          ],
        ]),
      );
      break;
    case "canary": {
      const share = fraction(strategy.share);
      section.append(
        facts([
          ["canary share", [percent(share), " ", bar(share, `canary share ${percent(share)}`)]],
          ["aborted", strategy.abortedReason ?? ""],
        ]),
        table(
          ["", "version", "requests", "errors", "p99"],
          [
            ["live", strategy.live, String(strategy.requests.live), String(strategy.errors.live), p99(strategy, "live")],
            ["canary", strategy.canary, String(strategy.requests.canary), String(strategy.errors.canary), p99(strategy, "canary")],
          ],
          "numbers",
        ),
      );
      if (strategy.abortedReason) section.classList.add("aborted");
      break;
    }
    case "bandit":
      section.append(
        facts([["algorithm", strategy.algorithm]]),
        table(
          ["version", "pulls", "rewards", "reward rate", "probability", ""],
          strategy.arms.map((arm) => [
            arm.version,
            String(arm.pulls),
            String(arm.rewards),
            arm.pulls > 0 ? (arm.rewards / arm.pulls).toFixed(3) : "—",
            percent(arm.probability),
            bar(arm.probability, `${arm.version}: ${percent(arm.probability)}`),
          ]),
          "numbers arms",
        ),
      );
      break;
    default:
      // A kind this console does not know yet: its fields as they came.
      section.append(h("pre", null, JSON.stringify(strategy, null, 2)));
  }
  return section;
}
