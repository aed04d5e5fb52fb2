/**
 * The EIP-712 messages RewardToken verifies: reward vouchers (signed by a storefront) and EIP-2612 permits
 * (signed by a shopper). Both use the token's constant domain name and version, whatever the token's name.
 */

/** RewardToken's EIP-712 domain name (`DOMAIN_NAME` in the contract). */
export const REWARD_TOKEN_DOMAIN_NAME = "dCRM RewardToken";
/** RewardToken's EIP-712 domain version (`DOMAIN_VERSION` in the contract). */
export const REWARD_TOKEN_DOMAIN_VERSION = "1";

/** The EIP-712 domain of the RewardToken proxy at `verifyingContract` on chain `chainId`. */
export function rewardTokenDomain(chainId: bigint | number, verifyingContract: string) {
  return {
    name: REWARD_TOKEN_DOMAIN_NAME,
    version: REWARD_TOKEN_DOMAIN_VERSION,
    chainId: BigInt(chainId),
    verifyingContract,
  };
}

/** `RewardVoucher(address shopper,uint256 amount,address storefront,uint256 orderId,uint256 deadline)`. */
export const rewardVoucherTypes = {
  RewardVoucher: [
    { name: "shopper", type: "address" },
    { name: "amount", type: "uint256" },
    { name: "storefront", type: "address" },
    { name: "orderId", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** EIP-2612 `Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)`. */
export const permitTypes = {
  Permit: [
    { name: "owner", type: "address" },
    { name: "spender", type: "address" },
    { name: "value", type: "uint256" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;
