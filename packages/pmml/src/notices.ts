/**
 * Notices of one parsePmml call: what the reader tolerated from a producer's habit, one line
 * each, ending up in `Pipeline.notices` (`porta inspect`, `porta score --verbose`). Parsing is
 * synchronous, so one collector at a time is enough and no parser function needs a parameter
 * for it.
 */
let collector: string[] | null = null;

/** Runs `parse` with a fresh collector and returns its result with what was noted. */
export function collectNotices<T>(parse: () => T): { result: T; notices: string[] } {
  const outer = collector;
  const notices: string[] = [];
  collector = notices;
  try {
    return { result: parse(), notices };
  } finally {
    collector = outer;
  }
}

/** Records a notice for the document being parsed (once per distinct text). */
export function notice(text: string): void {
  if (collector && !collector.includes(text)) collector.push(text);
}
