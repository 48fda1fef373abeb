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
      { transaction: "t1", item: "Cracker" }, { transaction: "t1", item: "Water" },
      { transaction: "t4", item: "Cracker" }, { transaction: "t4", item: null }, { transaction: "t4", item: "Coke" }, { transaction: "t4", item: "Water" },
    ];
    const baskets = [...groupTransactions(rows, model.groupField!)];
    expect(baskets.map((b) => ({ ...b }))).toEqual([{ transaction: "t1", item: ["Cracker", "Water"] }, { transaction: "t4", item: ["Cracker", "Coke", "Water"] }]);
    expect(model.scoreBatch(baskets).results.map((r) => r?.new_rule)).toEqual(["R1", "R2"]);
    async function* stream() { yield* rows; }
    const streamed: unknown[] = [];
    for await (const basket of groupTransactionsAsync(stream(), "transaction")) streamed.push({ ...basket });
    expect(streamed).toEqual(baskets.map((b) => ({ ...b })));
    expect(() => [...groupTransactions(rows, "transaction", { maxRows: 3 })]).toThrow(expect.objectContaining({ code: "GROUP_TOO_LARGE", value: "t4" }) as Error);
  });
});
