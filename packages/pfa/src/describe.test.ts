import { describe, expect, it } from "vitest";
import { compilePfa, describePfa, parsePfa } from "./index.ts";

describe("describePfa (porta inspect)", () => {
  it("reports types, cells, pools and the library functions used", () => {
    const doc = parsePfa(
      JSON.stringify({
        name: "demo",
        input: "double",
        output: "double",
        cells: { total: { type: "double", init: 0, shared: true } },
        pools: { seen: { type: "int", init: {}, rollback: true } },
        fcns: { square: { params: [{ x: "double" }], ret: "double", do: { "*": ["x", "x"] } } },
        action: [{ cell: "total", to: { "+": [{ cell: "total" }, { "u.square": ["input"] }] } }, { "m.sqrt": [{ cell: "total" }] }],
      }),
    );
    const d = describePfa(compilePfa(doc));
    expect(d.name).toBe("demo");
    expect(d.input).toBe("double");
    expect(d.cells).toEqual([{ name: "total", type: "double", shared: true, rollback: false }]);
    expect(d.pools).toEqual([{ name: "seen", type: "int", shared: false, rollback: true }]);
    expect(d.functions).toEqual(["*", "+", "m.sqrt"]);
    expect(d.userFunctions).toEqual(["u.square"]);
  });
});
