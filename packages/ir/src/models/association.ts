import type { ModelBase } from "../model.ts";

/** Item: one value that can occur in a transaction. */
export interface AssociationItem {
  id: string;
  value: string;
  /** PMML 4.3+: the input field and category this item stands for. */
  field?: string;
  category?: string;
}

export interface Itemset {
  id: string;
  /** Item ids. */
  itemRefs: string[];
}

export interface AssociationRule {
  /** AssociationRule/@id; rules without one are numbered 1, 2, ... (as JPMML does). */
  id?: string;
  antecedent: string;
  consequent: string;
  support: number;
  confidence: number;
  lift?: number;
  leverage?: number;
  affinity?: number;
  path: string;
}

/** AssociationModel (PMML 4.4 §AssociationRules). */
export interface AssociationModel extends ModelBase {
  kind: "association";
  items: AssociationItem[];
  itemsets: Itemset[];
  rules: AssociationRule[];
}
