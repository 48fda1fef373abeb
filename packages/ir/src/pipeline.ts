import type { DataField, DefineFunction, DerivedField } from "./fields.ts";
import type { ModelNode } from "./model.ts";

export interface DocumentHeader {
  application?: string;
  applicationVersion?: string;
  description?: string;
  copyright?: string;
}

/** A whole model document: input schema, global transformations, the model tree. */
export interface Pipeline {
  format: "pmml";
  /** Format version as written in the document (PMML `version`). */
  version: string;
  header: DocumentHeader;
  dataFields: DataField[];
  transformations: DerivedField[];
  functions: DefineFunction[];
  model: ModelNode;
  /**
   * What the reader accepted on trust or tolerated from a producer's habit (an unknown version,
   * a repeated MiningField), one line each, for `porta inspect` and `--verbose`.
   */
  notices?: string[];
}
