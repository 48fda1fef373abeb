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
}

export const BACKEND_SCOPE: Readonly<Record<string, BackendScope>> = {
  js: {
    refuses: "the constructs compile-js does not compile yet (packages/compile-js/src/unsupported.ts); the interpreter scores them",
    accepts: { pmml: 33, "pmml-wild": 102 },
  },
  onnx: {
    refuses: "what the ONNX export does not reproduce exactly (packages/onnx: GeneralRegression, SVM, clustering, naive Bayes, k-NN, modelChain outputs, text functions, …); the interpreter or compile-js scores them",
    accepts: { pmml: 15, "pmml-wild": 51 },
    widened: {
      // Double tensors throughout, no float32: onnxruntime's Exp (logistic activations) is not
      // correctly rounded as the interpreter's exp is; the probabilities differ in the 15th digit.
      "knime/NeuralNetworkIris": { precision: 1e-13, why: "onnxruntime Exp is not correctly rounded (differences ~1e-14 relative)" },
    },
  },
};

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
