/**
 * The library registry: one module per PFA library prefix, merged into one name → implementation
 * table. Signatures live in packages/pfa/formats/signatures.json; a function is callable when it has both.
 */
import type { LibImpl, LibModule } from "./site.ts";
import { core } from "./core.ts";
import { a } from "./a.ts";
import { map } from "./map.ts";
import { m } from "./m.ts";
import { s } from "./s.ts";
import { cast } from "./cast.ts";
import { impute, enumLib, fixed } from "./impute.ts";
import { bytes } from "./bytes.ts";
import { parse } from "./parse.ts";
import { rand } from "./rand.ts";
import { time } from "./time.ts";
import { reLib } from "./re.ts";
import { la } from "./la.ts";
import { interp } from "./interp.ts";
import { metric } from "./metric.ts";
import { prob } from "./prob.ts";
import { stat } from "./stat.ts";
import { model } from "./model.ts";
import { tree } from "./tree.ts";

const MODULES: readonly LibModule[] = [
  core,
  a,
  map,
  m,
  s,
  cast,
  impute,
  enumLib,
  fixed,
  bytes,
  parse,
  rand,
  time,
  reLib,
  la,
  interp,
  metric,
  prob,
  stat,
  model,
  tree,
];

export const LIBRARY: Readonly<Record<string, LibImpl>> = Object.assign({}, ...MODULES);
