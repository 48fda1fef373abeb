/**
 * Writes the published schemas under formats/ from the objects the code validates with:
 *
 *   npm run formats      # formats/model-package/porta.schema.json
 *
 * A test (packages/model-package/src/schema.test.ts) fails when a written file is out of date.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { PACKAGE_SCHEMA } from "@porta/model-package";

export const PUBLISHED_SCHEMAS = [{ file: join("formats", "model-package", "porta.schema.json"), schema: PACKAGE_SCHEMA }] as const;

/** A schema as written to disk: two-space JSON and a final newline. */
export function schemaText(schema: unknown): string {
  return `${JSON.stringify(schema, null, 2)}\n`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = join(import.meta.dirname, "..");
  for (const { file, schema } of PUBLISHED_SCHEMAS) {
    writeFileSync(join(root, file), schemaText(schema));
    process.stdout.write(`wrote ${file}\n`);
  }
}
