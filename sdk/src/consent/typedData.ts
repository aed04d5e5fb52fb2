/**
 * The EIP-712 messages ConsentRegistry verifies: consents and revocations a shopper signs for anyone to
 * submit (gasless consent).
 */

/** ConsentRegistry's EIP-712 domain name (`DOMAIN_NAME` in the contract). */
export const CONSENT_REGISTRY_DOMAIN_NAME = "dCRM ConsentRegistry";
/** ConsentRegistry's EIP-712 domain version. */
export const CONSENT_REGISTRY_DOMAIN_VERSION = "1";

/** The EIP-712 domain of the ConsentRegistry proxy at `verifyingContract` on chain `chainId`. */
export function consentRegistryDomain(chainId: bigint | number, verifyingContract: string) {
  return {
    name: CONSENT_REGISTRY_DOMAIN_NAME,
    version: CONSENT_REGISTRY_DOMAIN_VERSION,
    chainId: BigInt(chainId),
    verifyingContract,
  };
}

/** `ConsentGrant(address shopper,address consumer,bytes32 scope,uint96 pricePerAccess,uint40 expiresAt,uint256 nonce,uint256 deadline)`. */
export const consentGrantTypes = {
  ConsentGrant: [
    { name: "shopper", type: "address" },
    { name: "consumer", type: "address" },
    { name: "scope", type: "bytes32" },
    { name: "pricePerAccess", type: "uint96" },
    { name: "expiresAt", type: "uint40" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;

/** `ConsentRevocation(address shopper,address consumer,bytes32 scope,uint256 nonce,uint256 deadline)`. */
export const consentRevocationTypes = {
  ConsentRevocation: [
    { name: "shopper", type: "address" },
    { name: "consumer", type: "address" },
    { name: "scope", type: "bytes32" },
    { name: "nonce", type: "uint256" },
    { name: "deadline", type: "uint256" },
  ],
} as const;
