import { Writable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { progressBar, progressWanted } from "./progress.ts";

/** A stream that says it is a terminal and keeps what is written to it. */
function fakeTerminal(): Writable & { isTTY: boolean; columns: number; text: () => string } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  return Object.assign(stream, { isTTY: true, columns: 120, cursorTo: () => true, clearLine: () => true, moveCursor: () => true, text: () => chunks.join("") });
}

describe("progress bar of porta score", () => {
  afterEach(() => vi.restoreAllMocks());

  it("is wanted only when stderr is a terminal and --quiet is not given", () => {
    expect(progressWanted({ isTTY: true }, false)).toBe(true);
    expect(progressWanted({ isTTY: true }, true)).toBe(false);
    expect(progressWanted({ isTTY: false }, false)).toBe(false);
    expect(progressWanted({}, false)).toBe(false);
  });

  it("draws rows, rows/s and an ETA on the stream it is given, never on stdout", async () => {
    const stdout = vi.spyOn(process.stdout, "write");
    const terminal = fakeTerminal();
    const progress = await progressBar(1000, terminal as unknown as NodeJS.WritableStream, 0);
    progress.read(500);
    progress.scored(4096);
    progress.stop();
    expect(terminal.text()).toMatch(/50% \| 4096 rows \| \d+ rows\/s \| ETA /);
    expect(stdout).not.toHaveBeenCalled();
  });

  it("stays hidden for a run shorter than its delay (a quick score leaves no bar)", async () => {
    const terminal = fakeTerminal();
    const progress = await progressBar(1000, terminal as unknown as NodeJS.WritableStream, 60_000);
    progress.read(1000);
    progress.scored(150);
    progress.stop();
    expect(terminal.text()).toBe("");
  });
});
