/**
 * `a.mode` breaks a tie by the median of the tied values in their sort order (the lower middle
 * of an even count for strings: pfa/src/lib/a.ts), PMML's votes otherwise (a MiningModel's
 * majorityVote: the category voted first; a NearestNeighborModel's: the most frequent in the
 * training data, then the smallest). So a vote is lowered only where no tie can happen: one voter,
 * one category, or two categories and an odd number of voters.
 */
export function voteWithoutTies(voters: number, categories: number): boolean {
  return voters === 1 || categories === 1 || (categories === 2 && voters % 2 === 1);
}

export function tieReason(voters: number, categories: number): string {
  return `a.mode of ${voters} votes over ${categories} categories can tie, and PFA breaks a tie by the median of the tied values, PMML's majority vote otherwise (lowered: one vote, one category, or two categories and an odd count)`;
}
