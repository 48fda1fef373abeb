import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { groupTransactions, groupTransactionsAsync, loadModel } from "porta";

const TREE = join(import.meta.dirname, "..", "fixtures", "pmml", "iris-tree.pmml");

describe('import { loadModel } from "porta"', () => {
  it("loads from a path and scores rows", async () => {
    const model = await loadModel(TREE);
    expect(model.format).toBe("pmml");
    expect(model.modelTypes).toEqual(["TreeModel"]);
    expect(model.inputFields.map((f) => f.name)).toEqual(["sepal_length", "sepal_width", "petal_length", "petal_width"]);
    expect(model.outputFields.map((f) => f.name)).toContain("p_virginica");
    expect(model.score({ sepal_length: 6.3, sepal_width: 3.3, petal_length: 6.0, petal_width: 2.5 }).species).toBe("virginica");
  });

  it("loads from the document text (format detected by content)", async () => {
    const model = await loadModel(readFileSync(TREE, "utf8"));
    expect(model.score({ petal_length: 1, petal_width: 0.1, sepal_length: 5, sepal_width: 3 }).node).toBe("small-petals");
  });

  it("scoreBatch collects per-row errors when asked", async () => {
    const model = await loadModel(TREE);
    const { results, errors } = model.scoreBatch([{ petal_length: "x" }, { petal_length: 1 }], { onError: "collect" });
    expect(results[0]).toBeNull();
    expect(results[1]?.species).toBe("setosa");
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ row: 0, code: "PMML_INVALID_VALUE" });
    expect(() => model.scoreBatch([{ petal_length: "x" }])).toThrow(/invalid value/);
  });

  it("groupTransactions turns item-per-row input into one basket per consecutive group value (JPMML BatchUtil.groupRows)", async () => {
    const model = await loadModel(join(import.meta.dirname, "..", "fixtures", "pmml", "basket-rules.pmml"));
    expect(model.groupField).toBe("transaction");
    expect((await loadModel(TREE)).groupField).toBeUndefined();
    const rows = [
      { transaction: "t1", item: "Cracker" },
      { transaction: "t1", item: "Water" },
      { transaction: "t4", item: "Cracker" },
      { transaction: "t4", item: null },
      { transaction: "t4", item: "Coke" },
      { transaction: "t4", item: "Water" },
    ];
    const baskets = [...groupTransactions(rows, model.groupField!)];
    expect(baskets.map((b) => ({ ...b }))).toEqual([
      { transaction: "t1", item: ["Cracker", "Water"] },
      { transaction: "t4", item: ["Cracker", "Coke", "Water"] },
    ]);
    expect(model.scoreBatch(baskets).results.map((r) => r?.new_rule)).toEqual(["R1", "R2"]);
    async function* stream() {
      yield* rows;
    }
    const streamed: unknown[] = [];
    for await (const basket of groupTransactionsAsync(stream(), "transaction")) streamed.push({ ...basket });
    expect(streamed).toEqual(baskets.map((b) => ({ ...b })));
    expect(() => [...groupTransactions(rows, "transaction", { maxRows: 3 })]).toThrow(
      expect.objectContaining({ code: "GROUP_TOO_LARGE", value: "t4" }) as Error,
    );
  });

  it("scoreBatch collects a row nested 100k deep as ROW_TOO_DEEP and scores the others, on every backend", async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    for (const backend of ["js", "interp"] as const) {
      const model = await loadModel(TREE, { backend });
      const good = { sepal_length: 6.3, sepal_width: 3.3, petal_length: 6.0, petal_width: 2.5 };
      const { results, errors } = model.scoreBatch([good, { ...good, petal_length: deep }, good], { onError: "collect" });
      expect(results.map((r) => r?.species ?? null)).toEqual(["virginica", null, "virginica"]);
      expect(errors).toEqual([expect.objectContaining({ row: 1, code: "ROW_TOO_DEEP", kind: "parse" })]);
      expect(() => model.score({ petal_length: deep })).toThrow(expect.objectContaining({ code: "ROW_TOO_DEEP" }) as Error);
      // The limit is the caller's: a basket-like array of depth 1 passes, depth 2 does not under rowDepth 1.
      expect(model.scoreBatch([{ ...good, extra: [[1]] }], { onError: "collect", rowDepth: 1 }).errors[0]?.code).toBe("ROW_TOO_DEEP");
      expect(model.scoreBatch([{ ...good, extra: [1] }], { onError: "collect", rowDepth: 1 }).errors).toEqual([]);
    }
  });

  it("rows may carry any field name: __proto__ as an own key reaches the model", async () => {
    const text = readFileSync(TREE, "utf8").replaceAll('"petal_length"', '"__proto__"');
    for (const backend of ["js", "interp"] as const) {
      const model = await loadModel(text, { backend });
      const row = JSON.parse('{"__proto__": 6.0, "petal_width": 2.5, "sepal_length": 6.3, "sepal_width": 3.3}') as Record<string, unknown>;
      expect(model.score(row).species).toBe("virginica");
    }
  });
});
