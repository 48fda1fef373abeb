/**
 * Child process of the concurrency test in artifact-cache.test.ts: writes one key over and over
 * with content that identifies this writer, so the reader can check every entry is whole.
 * Usage: tsx artifact-writer.ts <cacheDir> <key> <writerId> <writes> <codeBytes>
 */
import { ArtifactCache } from "../artifact-cache.ts";

const [dir, key, writer, writes, codeBytes] = process.argv.slice(2);
const cache = new ArtifactCache({ dir });
for (let i = 0; i < Number(writes); i++) {
  const line = `// writer ${writer} write ${i}\n`;
  const code = line.repeat(Math.ceil(Number(codeBytes) / line.length));
  cache.put(key!, { code, meta: { writer: Number(writer), write: i, lines: code.length / line.length } });
}
