/** A token's symbol and decimals, read from the chain, so amounts show in the token's units. */
import { erc20Abi, type Address } from "viem";
import { useReadContracts } from "wagmi";

export interface TokenInfo {
  symbol: string;
  decimals: number;
}

/** The ERC-20 metadata of `address`; undefined while loading (or without an address). */
export function useToken(address: Address | undefined): TokenInfo | undefined {
  const { data } = useReadContracts({
    allowFailure: false,
    contracts: [
      { address, abi: erc20Abi, functionName: "symbol" },
      { address, abi: erc20Abi, functionName: "decimals" },
    ],
    query: { enabled: address !== undefined, staleTime: Infinity },
  });
  return data ? { symbol: data[0], decimals: data[1] } : undefined;
}
