/**
 * Opt-in timing of the phases of a model load (read, decode, XML scan, IR, lowering, codegen,
 * V8's compile of the generated module), for the load benchmark's breakdown. Off unless a caller
 * starts recording: a load then pays one call per phase, never per node or per row.
 * Times are inclusive (a phase inside another counts in both); wall and CPU (user + system) in ms.
 */
export interface PhaseTime {
  wallMs: number;
  cpuMs: number;
  calls: number;
}

let recording: Map<string, PhaseTime> | undefined;

/** Starts recording (dropping what was recorded before) and hands back the live record. */
export function recordLoadPhases(): ReadonlyMap<string, PhaseTime> {
  recording = new Map();
  return recording;
}

/** Stops recording; the record handed out keeps what it holds. */
export function stopRecordingLoadPhases(): void {
  recording = undefined;
}

/** Runs `f`, adding its time to phase `name` while recording. */
export function loadPhase<T>(name: string, f: () => T): T {
  const record = recording;
  if (record === undefined) return f();
  const t0 = performance.now(),
    c0 = process.cpuUsage();
  try {
    return f();
  } finally {
    const cpu = process.cpuUsage(c0);
    const time = record.get(name) ?? { wallMs: 0, cpuMs: 0, calls: 0 };
    time.wallMs += performance.now() - t0;
    time.cpuMs += (cpu.user + cpu.system) / 1e3;
    time.calls++;
    record.set(name, time);
  }
}
