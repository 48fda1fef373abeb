import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tar from "tar";
import { afterAll, describe, expect, it } from "vitest";
import { unpackArchive } from "./archive.ts";
import { validatePackage } from "./validate.ts";

const FIXTURES = join(import.meta.dirname, "..", "..", "..", "fixtures", "packages");
const CHURN = join(FIXTURES, "churn-pmml");
const temp = mkdtempSync(join(tmpdir(), "porta-package-test-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

let copies = 0;
/** A copy of the churn fixture with porta.json edited. */
// biome-ignore lint/suspicious/noExplicitAny: the tests edit porta.json as untyped JSON, invalid shapes included
function churnWith(edit: (manifest: Record<string, any>) => void): string {
  const dir = join(temp, `churn-${copies++}`);
  cpSync(CHURN, dir, { recursive: true });
  const manifest = JSON.parse(readFileSync(join(dir, "porta.json"), "utf8"));
  edit(manifest);
  writeFileSync(join(dir, "porta.json"), JSON.stringify(manifest));
  return dir;
}

describe("porta.json validation", () => {
  it("the fixture packages are valid", async () => {
    for (const name of ["churn-pmml", "logistic-pfa"]) {
      const { problems, manifest } = await validatePackage(join(FIXTURES, name));
      expect(problems).toEqual([]);
      expect(manifest?.schemaVersion).toBe(1);
    }
  });

  it("a component built with another version than the package holds is refused, naming both", async () => {
    const dir = churnWith((m) => {
      m.model.builtWith.trainingData = "2026.10.0";
      m.featureExtractor.builtWith = { validationData: "2026.11.0-holdout", model: "1.1.0" };
    });
    const { problems, manifest } = await validatePackage(dir);
    expect(manifest).toBeUndefined();
    expect(problems).toEqual([
      {
        code: "PACKAGE_VERSIONS_DISAGREE",
        path: "/model/builtWith/trainingData",
        message: "model was built with trainingData 2026.10.0, but the package holds trainingData 2026.11.0",
        value: { declared: "2026.10.0", actual: "2026.11.0" },
      },
      expect.objectContaining({ path: "/featureExtractor/builtWith/model", value: { declared: "1.1.0", actual: "1.2.0" } }),
    ]);
  });

  it("schema problems carry the JSON pointer of the offending value", async () => {
    const dir = churnWith((m) => {
      delete m.audit;
      m.name = "../evil";
      m.bogus = 1;
      m.assets.confidence.metric = { name: "auc", label: "churn" };
      m.model.builtWith.self = "1";
    });
    const { problems } = await validatePackage(dir);
    const paths = problems.map((p) => p.path);
    expect(paths).toContain("/audit");
    expect(paths).toContain("/bogus");
    expect(paths).toContain("/model/builtWith/self");
    expect(paths).toContain("/assets/confidence/metric/score");
    expect(paths).toContain("/assets/confidence/metric/positive");
    expect(problems.find((p) => p.path === "/name")).toMatchObject({ code: "PACKAGE_SCHEMA", value: "../evil" });
  });

  it("files must exist inside the package: no `..`, no absolute path, no link out", async () => {
    const escapes = await validatePackage(churnWith((m) => (m.model.file = "../churn-pmml/model.pmml")));
    expect(escapes.problems).toMatchObject([{ code: "PACKAGE_SCHEMA", path: "/model/file" }]);
    const absolute = await validatePackage(churnWith((m) => (m.model.file = "/etc/passwd")));
    expect(absolute.problems).toMatchObject([{ path: "/model/file" }]);
    const missing = await validatePackage(churnWith((m) => (m.assets.endToEnd.file = "assets/none.ndjson")));
    expect(missing.problems).toEqual([expect.objectContaining({ code: "PACKAGE_FILE_MISSING", path: "/assets/endToEnd/file", value: "assets/none.ndjson" })]);
    const linked = churnWith(() => {});
    const outside = join(temp, "outside.csv");
    writeFileSync(outside, "x1,x2,churn\n");
    rmSync(join(linked, "assets", "confidence.csv"));
    symlinkSync(outside, join(linked, "assets", "confidence.csv"));
    expect((await validatePackage(linked)).problems).toEqual([expect.objectContaining({ code: "PACKAGE_PATH_ESCAPES", path: "/assets/confidence/file" })]);
  });

  it("porta.json that is not JSON, or absent", async () => {
    const dir = churnWith(() => {});
    writeFileSync(join(dir, "porta.json"), "{ nope");
    expect((await validatePackage(dir)).problems).toMatchObject([{ code: "PACKAGE_BAD_JSON", path: "porta.json" }]);
    rmSync(join(dir, "porta.json"));
    expect((await validatePackage(dir)).problems).toMatchObject([{ code: "PACKAGE_FILE_MISSING", path: "porta.json" }]);
    await expect(validatePackage(join(temp, "nothing-here"))).rejects.toMatchObject({ code: "PACKAGE_NOT_FOUND" });
  });
});

describe("package archives (.tgz)", () => {
  it("an archive with one top folder (as npm pack writes) is validated from inside it", async () => {
    const file = join(temp, "churn.tgz");
    await tar.c({ gzip: true, file, cwd: FIXTURES, prefix: "package" }, ["churn-pmml"]);
    const nested = join(temp, "flat.tgz");
    await tar.c({ gzip: true, file: nested, cwd: CHURN }, ["porta.json", "model.pmml", "assets"]);
    expect((await validatePackage(nested)).problems).toEqual([]);
    // package/churn-pmml/…: the single top folder is package/, which holds no porta.json.
    expect((await validatePackage(file)).problems).toMatchObject([{ code: "PACKAGE_FILE_MISSING", path: "porta.json" }]);
  });

  it("entries that leave the package, links and archives over the limits are refused before unpacking", async () => {
    const src = join(temp, "src");
    cpSync(CHURN, src, { recursive: true });
    symlinkSync("/etc/passwd", join(src, "link"));
    const withLink = join(temp, "link.tgz");
    await tar.c({ gzip: true, file: withLink, cwd: src }, ["porta.json", "link"]);
    await expect(unpackArchive(withLink)).rejects.toMatchObject({ code: "PACKAGE_ARCHIVE", path: "link", value: "SymbolicLink" });

    const dotdot = join(temp, "dotdot.tar");
    await tar.c({ file: dotdot, cwd: src, preservePaths: true }, ["../src/porta.json"]);
    await expect(unpackArchive(dotdot)).rejects.toMatchObject({ code: "PACKAGE_ARCHIVE", path: "../src/porta.json" });

    const plain = join(temp, "plain.tgz");
    await tar.c({ gzip: true, file: plain, cwd: CHURN }, ["porta.json", "model.pmml", "assets"]);
    await expect(unpackArchive(plain, { entries: 2, bytes: 1e9 })).rejects.toMatchObject({
      code: "PACKAGE_ARCHIVE",
      message: expect.stringContaining("more than 2 entries"),
    });
    await expect(unpackArchive(plain, { entries: 100, bytes: 100 })).rejects.toMatchObject({ message: expect.stringContaining("more than 100 bytes") });

    const garbage = join(temp, "garbage.tgz");
    writeFileSync(garbage, "not an archive at all");
    await expect(unpackArchive(garbage)).rejects.toMatchObject({ code: "PACKAGE_ARCHIVE" });
  });

  it("an unpacked archive is removed on dispose", async () => {
    const file = join(temp, "dispose.tgz");
    await tar.c({ gzip: true, file, cwd: CHURN }, ["porta.json"]);
    const unpacked = await unpackArchive(file);
    expect(readFileSync(join(unpacked.root, "porta.json"), "utf8")).toContain('"churn"');
    unpacked.dispose();
    expect(() => readFileSync(join(unpacked.root, "porta.json"))).toThrow();
  });
});
