export { walkPfa, type PfaWalker } from "./walker.ts";
