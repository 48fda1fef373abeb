/**
 * What each registered backend declares about the corpus tests (test/conformance.test.ts): the
 * kind of model it refuses, and the least number of cases it must accept per corpus, so that a
 * backend scoring fewer cases than it did fails. A backend not listed must accept every case
 * whose model families the parser supports, and refuses nothing. Raise a floor when a backend
 * learns a family; never lower one to make a test pass.
 */
export interface BackendScope {
  /** Why it refuses some documents (a refusal must name an element or attribute value of the document). */
  refuses?: string;
  /** Fewest cases it must score, per corpus folder; absent: every supported case. */
  accepts: Partial<Record<"pmml" | "pmml-wild", number>>;
  /** Cases compared with a wider relative precision than the manifest's, each with the reason. */
  widened?: Readonly<Record<string, { precision: number; why: string }>>;
  /**
   * Relative precision (absolute below 1) of its numbers against the interpreter's in the
   * family tests (test/each-backend.ts); absent: identical results.
   */
  precision?: number;
  /**
   * A float32 backend compared with compile-js within its documented tolerance by a suite of its
   * own (the path): the corpus and family tests, which compare to 1e-9 or exactly, pass over it.
   */
  ownSuite?: string;
}

export const BACKEND_SCOPE: Readonly<Record<string, BackendScope>> = {
  // float32 kernels (README "GPU backend"): agreement with compile-js per family, within float32.
  gpu: { accepts: {}, ownSuite: "test/gpu-backend.test.ts" },
  webgpu: { accepts: {}, ownSuite: "test/gpu-backend.test.ts" },
  js: {
    refuses: "the constructs compile-js does not compile yet (packages/compile-js/src/unsupported.ts); the interpreter scores them",
    accepts: { pmml: 33, "pmml-wild": 102 },
  },
  onnx: {
    refuses:
      "what the ONNX export does not reproduce exactly (packages/onnx: CoxRegression and contrast matrices, clustering other than sums of absDiff powers, naive Bayes, k-NN, modelChain outputs, text functions, …); the interpreter or compile-js scores them",
    accepts: { pmml: 26, "pmml-wild": 84 },
    // Double tensors throughout; onnxruntime's Exp is not correctly rounded and MatMul may sum in
    // another order, so numbers differ from the interpreter's in the last digits (~1e-14).
    precision: 1e-12,
    widened: {
      // Double tensors throughout, no float32: onnxruntime's Exp (logistic activations) is not
      // correctly rounded as the interpreter's exp is; the probabilities differ in the 15th digit.
      "knime/NeuralNetworkIris": { precision: 1e-13, why: "onnxruntime Exp is not correctly rounded (differences ~1e-14 relative)" },
    },
  },
};

/**
 * What each backend skips in the family tests (test/each-backend.ts `describeEachBackend`):
 * backend → test key → why. A key is a block's title (any test in it may be skipped; at least one
 * must be) or `<title> > <test name>` (that test must be). A skip is a refusal, or a difference
 * from the interpreter the reason explains. A skip not declared here fails its test, and so does
 * a declaration the backend no longer needs.
 */
export const BACKEND_SKIPS: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  onnx: {
    "NaiveBayesModel gives the interpreter's answers": "NaiveBayesModel is not exported",
    "NearestNeighborModel gives the interpreter's answers": "NearestNeighborModel is not exported",
    "RuleSetModel defaults (JPMML RuleSetModelEvaluator)": "RuleSetModel is not exported",
    "Scorecard gives the interpreter's answers (§Scorecard, reason codes)": "Scorecard is not exported",
    "Scorecard faults fail only the rows that choose the Attribute (§Scorecard)": "Scorecard is not exported",
    "RuleSetModel weighted criteria (§RuleSelectionMethod) give the interpreter's answers": "RuleSetModel is not exported",
    "NeuralNetwork gives the interpreter's answers (§NeuralNetwork) > a Con reading an earlier neuron of its own layer (before normalisation) and a neuron id defined twice (the later one is read)":
      "a Con reading a neuron of its own NeuralLayer is not exported",
    "NeuralNetwork gives the interpreter's answers (§NeuralNetwork) > radialBasis with widths from the neuron and the layer, regression through NormContinuous":
      'activationFunction="radialBasis" is not exported',
    "ClusteringModel gives the interpreter's answers > §Distance <chebychev/>: missing inputs adjust the distance, all missing is an error, ties keep the first cluster":
      "chebychev (a maximum, an error when every field is missing) is not exported",
    "ClusteringModel gives the interpreter's answers > §MissingValueWeights and gaussSim/delta compare functions": 'compareFunction="gaussSim" is not exported',
    'mathContext="float" models (JPMML FloatValue) give the interpreter\'s bits': 'RegressionModel mathContext="float" is not exported (float trees are)',
    "selectFirst and modelChain (evaluateSegments, passThrough) > modelChain: OutputFields are fields of later segments and of the MiningModel's Output; a chain ending in another function fails the row":
      "an OutputField read by a later Segment (modelChain) is not exported",
    "selectFirst and modelChain (evaluateSegments, passThrough) > modelChain: a later segment reading a field its definer did not define fails the row":
      "an OutputField read by a later Segment (modelChain) is not exported",
    // Two pairs of equal networks: which pair is closest to the median is decided by the last bit
    // of their probabilities, and onnxruntime's Exp is not correctly rounded.
    "MiningModel missing treatments and rank statistics (§MiningModel, JPMML) > classification median/max with tied distributions (the closest segments are averaged)":
      "exact ties of distances to the median probability are decided by last-bit differences",
  },
};

/** The declaration covering a test key (its own, else its block's), if any. */
export function declaredSkip(backend: string, key: string): { key: string; reason: string } | undefined {
  const skips = BACKEND_SKIPS[backend] ?? {};
  if (Object.hasOwn(skips, key)) return { key, reason: skips[key] };
  const title = key.split(" > ")[0];
  return Object.hasOwn(skips, title) ? { key: title, reason: skips[title] } : undefined;
}

export function scopeOf(backend: string): BackendScope {
  return BACKEND_SCOPE[backend] ?? { accepts: {} };
}

/**
 * A refusal names what it cannot score: some word of its message is an element name, an
 * attribute value or a field name of the document (`<TreeModel`, `functionName="anomalyDetection"`,
 * `name="x"`). Words shorter than four letters are not counted.
 */
export function namedInDocument(message: string, document: string): boolean {
  const words = new Set(message.match(/[A-Za-z_][A-Za-z0-9_.-]{3,}/g) ?? []);
  for (const w of words) {
    if (document.includes(`<${w}`) || document.includes(`="${w}"`)) return true;
  }
  return false;
}
