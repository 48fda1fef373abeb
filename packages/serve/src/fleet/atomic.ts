/**
 * The one step that makes "exactly one result per input entry" hold: a Lua script that, for each
 * input entry, writes its result to OUT and acknowledges it in IN — but only while the entry is
 * still pending for the consumer that scored it.
 *
 * Why ownership is the whole guarantee: an entry is in exactly one consumer's pending list until
 * it is acknowledged. XAUTOCLAIM moves it to another consumer when its owner looks dead; if the
 * owner was only slow, its later write finds the entry no longer its own and writes nothing. The
 * script runs atomically (Redis runs one script at a time), so "still mine" → XADD → XACK cannot
 * interleave with a claim or another consumer's write, and after the XACK the entry is in no
 * pending list, so no one can claim it again. A consumer that dies before the script leaves the
 * entry pending (claimed later, scored again, written once); one that dies after it leaves nothing.
 */
import type { Redis } from "ioredis";

/**
 * KEYS[1] input stream, KEYS[2] output stream.
 * ARGV: group, consumer, then per entry: input id, check (1: only while pending for this consumer;
 * 0: an entry Redis already dropped from every pending list), field count n, n output fields.
 * Returns one flag per entry: 1 written, 0 skipped (no longer pending for this consumer).
 */
export const PRODUCE_AND_ACK_LUA = `
local group, consumer = ARGV[1], ARGV[2]
local flags = {}
local i = 3
while i <= #ARGV do
  local id = ARGV[i]
  local n = tonumber(ARGV[i + 2])
  if ARGV[i + 1] == '0' then
    redis.call('XADD', KEYS[2], '*', unpack(ARGV, i + 3, i + 2 + n))
    flags[#flags + 1] = 1
  elseif #redis.call('XPENDING', KEYS[1], group, id, id, 1, consumer) > 0 then
    redis.call('XADD', KEYS[2], '*', unpack(ARGV, i + 3, i + 2 + n))
    redis.call('XACK', KEYS[1], group, id)
    flags[#flags + 1] = 1
  else
    flags[#flags + 1] = 0
  end
  i = i + 3 + n
end
return flags
`;

/** One input entry's output: its id and the output entry's flat fields. */
export interface Produced {
  readonly id: string;
  readonly fields: readonly string[];
  /**
   * The entry is in no pending list any more: XAUTOCLAIM (Redis 7) reports entries deleted from
   * the stream while pending once, and drops them from the pending list as it does. Its error
   * result is written without the ownership check (the one claim that saw it is the only writer).
   */
  readonly unowned?: boolean;
}

interface ProduceCommand {
  portaFleetProduce(input: string, output: string, ...args: (string | number)[]): Promise<number[]>;
}

/**
 * Lua's unpack and a script's argument list have limits (a few thousand values): a batch is
 * written in slices of this many entries, each slice atomic per entry as above.
 */
const ENTRIES_PER_CALL = 512;

/** Defines the script on a client (ioredis sends EVALSHA, and the script itself when Redis lacks it). */
export function defineProduce(client: Redis): void {
  if (typeof (client as unknown as Partial<ProduceCommand>).portaFleetProduce === "function") return;
  client.defineCommand("portaFleetProduce", { numberOfKeys: 2, lua: PRODUCE_AND_ACK_LUA });
}

/**
 * Writes each entry's result to `output` and acknowledges it in `input` for `group`, atomically
 * per entry and only for entries still pending for `consumer`. Returns, per entry, whether it was
 * written here (false: another consumer had claimed it, and writes it).
 */
export async function produceAndAck(
  client: Redis,
  streams: { input: string; output: string; group: string; consumer: string },
  entries: readonly Produced[],
): Promise<boolean[]> {
  defineProduce(client);
  const command = client as unknown as ProduceCommand;
  const written: boolean[] = [];
  for (let start = 0; start < entries.length; start += ENTRIES_PER_CALL) {
    const args: (string | number)[] = [streams.group, streams.consumer];
    for (const entry of entries.slice(start, start + ENTRIES_PER_CALL)) args.push(entry.id, entry.unowned ? 0 : 1, entry.fields.length, ...entry.fields);
    for (const flag of await command.portaFleetProduce(streams.input, streams.output, ...args)) written.push(flag === 1);
  }
  return written;
}
