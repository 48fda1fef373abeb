import { afterEach, describe, expect, it } from "vitest";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DirectorySource } from "./directory-source.ts";
import { linearPmml, modelsDir, ROOT } from "./serve.test-helper.ts";

const folders: string[] = [];
afterEach(() => {
  for (const f of folders.splice(0)) rmSync(f, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), "porta-serve-dir-"));
  folders.push(dir);
  return dir;
}

describe("DirectorySource: a fixed folder of packages and documents", () => {
  it("packages by their porta.json name and version, documents by file name and content hash; other files left alone", async () => {
    const models = modelsDir();
    folders.push(models.dir);
    const source = await DirectorySource.open(models.dir);
    try {
      expect(source.names()).toEqual(["churn", "iris-tree", "linear"]);
      expect(source.live("churn")).toMatchObject({ name: "churn", version: "1.2.0", manifest: { name: "churn" } });
      expect(source.live("linear")?.version).toMatch(/^[0-9a-f]{12}$/);
      expect(source.info("linear")).toMatchObject({ live: source.live("linear")?.version, versions: [{ live: true }] });
      expect(source.live("notes")).toBeUndefined();
    } finally {
      await source.close();
    }
  });

  it("a changed document is a new version (result caches keyed by version never mix the two)", async () => {
    const [a, b] = [folder(), folder()];
    writeFileSync(join(a, "linear.pmml"), linearPmml(1));
    writeFileSync(join(b, "linear.pmml"), linearPmml(2));
    const [sa, sb] = [await DirectorySource.open(a), await DirectorySource.open(b)];
    expect(sa.live("linear")?.version).not.toBe(sb.live("linear")?.version);
    await Promise.all([sa.close(), sb.close()]);
  });

  it("refuses to open what it could not serve, naming the entry: a bad name, two entries of one name, a missing folder", async () => {
    const badName = folder();
    writeFileSync(join(badName, "Linear Model.pmml"), linearPmml());
    await expect(DirectorySource.open(badName)).rejects.toMatchObject({ code: "MODEL_NAME_INVALID", value: "Linear Model" });
    const twice = folder();
    cpSync(join(ROOT, "fixtures", "packages", "churn-pmml"), join(twice, "a"), { recursive: true });
    cpSync(join(ROOT, "fixtures", "packages", "churn-pmml"), join(twice, "b"), { recursive: true });
    await expect(DirectorySource.open(twice)).rejects.toMatchObject({ code: "MODEL_NAME_TAKEN", path: join(twice, "b"), value: "churn" });
    await expect(DirectorySource.open(join(twice, "nothing"))).rejects.toMatchObject({ code: "MODELS_DIR_NOT_FOUND" });
  });
});
