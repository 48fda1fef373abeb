/**
 * The progress bar of long `porta score` runs: on stderr only, only when stderr is a terminal and
 * `--quiet` is not given; position is the input bytes read, with the rows scored and their rate.
 */

/** What the scoring loop tells the bar. */
export interface Progress {
  /** Input bytes read so far. */
  read(bytes: number): void;
  /** Rows (records) written so far, added. */
  scored(rows: number): void;
  stop(): void;
}

/** A bar is drawn only for a person watching: stderr a TTY, and not asked to be quiet. */
export function progressWanted(stderr: { isTTY?: boolean }, quiet: boolean): boolean {
  return stderr.isTTY === true && !quiet;
}

export const NO_PROGRESS: Progress = { read: () => {}, scored: () => {}, stop: () => {} };

/**
 * Short runs finish before anyone looks: the bar appears once a run has lasted this long, so a
 * quick `porta score` leaves no bar behind in the terminal.
 */
const SHOW_AFTER_MS = 1000;

/** A cli-progress bar over `totalBytes` of input, drawn on `stream` (stderr). */
export async function progressBar(totalBytes: number, stream: NodeJS.WritableStream, showAfterMs: number = SHOW_AFTER_MS): Promise<Progress> {
  const { SingleBar } = (await import("cli-progress")).default;
  const bar = new SingleBar({
    stream,
    format: "{bar} {percentage}% | {rows} rows | {rate} rows/s | ETA {eta_formatted}",
    hideCursor: true,
    clearOnComplete: false,
    etaBuffer: 50,
    fps: 5,
  });
  const started = performance.now();
  let bytes = 0;
  let rows = 0;
  let shown = false;
  const payload = () => ({ rows, rate: Math.round(rows / Math.max((performance.now() - started) / 1000, 1e-3)) });
  const update = (): void => {
    if (!shown) {
      if (performance.now() - started < showAfterMs) return;
      shown = true;
      bar.start(Math.max(totalBytes, 1), bytes, payload());
      return;
    }
    bar.update(bytes, payload());
  };
  return {
    read: (n) => {
      bytes = n;
      update();
    },
    scored: (n) => {
      rows += n;
      update();
    },
    stop: () => {
      if (!shown) return;
      bar.update(bytes, payload());
      bar.stop();
    },
  };
}
