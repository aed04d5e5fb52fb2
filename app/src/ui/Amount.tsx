/** An amount in its token's units and symbol, never a raw integer. */
import type { Address } from "viem";

import { formatAmount } from "../format.ts";
import { type TokenInfo, useToken } from "../wallet/useToken.ts";

export function Amount({ value, token, testId }: { value: bigint | string | undefined; token: TokenInfo | undefined; testId?: string }) {
  if (value === undefined || token === undefined) return <span aria-busy="true">…</span>;
  return (
    <span className="amount" data-testid={testId}>
      {formatAmount(value, token.decimals)} {token.symbol}
    </span>
  );
}

/** An amount of the ERC-20 at `token`, its symbol and decimals read from the chain. */
export function TokenAmount({ value, token, testId }: { value: bigint | string | undefined; token: Address | string; testId?: string }) {
  return <Amount value={value} token={useToken(token as Address)} testId={testId} />;
}
