/** An amount in its token's units and symbol, never a raw integer. */
import { formatAmount } from "../format.ts";
import type { TokenInfo } from "../wallet/useToken.ts";

export function Amount({ value, token, testId }: { value: bigint | string | undefined; token: TokenInfo | undefined; testId?: string }) {
  if (value === undefined || token === undefined) return <span aria-busy="true">…</span>;
  return (
    <span className="amount" data-testid={testId}>
      {formatAmount(value, token.decimals)} {token.symbol}
    </span>
  );
}
