import type { MiningFunction, ModelBase } from "@porta/ir";

/**
 * The ModelBase of a model lowered from PFA: scorable, with no MiningSchema, transformations,
 * targets or outputs of its own (the lowered pipeline around it declares the fields and outputs).
 */
export function loweredModelBase(functionName: MiningFunction, path: string): ModelBase {
  return { functionName, isScorable: true, miningSchema: [], localTransformations: [], targets: [], output: [], path };
}
