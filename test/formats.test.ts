import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { PUBLISHED_SCHEMAS, schemaText } from "../scripts/write-formats.ts";

describe("published schemas under formats/", () => {
  for (const { file, schema } of PUBLISHED_SCHEMAS) {
    it(`${file} is what the validator uses (npm run formats rewrites it)`, () => {
      expect(readFileSync(join(import.meta.dirname, "..", file), "utf8")).toBe(schemaText(schema));
    });
  }
});
