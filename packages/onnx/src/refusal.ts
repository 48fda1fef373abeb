/**
 * Thrown while exporting when the document uses something the ONNX graph cannot reproduce
 * exactly; the backend turns it into a refusal and `porta convert` into an
 * UnsupportedFeatureError. The message names the PMML element ("NaiveBayesModel is not
 * exported").
 */
export class NotExportable extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotExportable";
  }
}
