/**
 * The gas limit to send with, from an estimate made at the last block. A transaction's gas can grow between
 * the estimate and the block that includes it: a slot that holds the estimate block's timestamp costs 100 gas
 * to write again there, but 2,900 in a later block (RewardToken's last-activity record does exactly this), and
 * batches that land first change what later ones write. Unused gas is not charged, so the margin is free.
 */
export function gasLimitFor(estimate: bigint): bigint {
  return (estimate * 12n) / 10n + 50_000n;
}
