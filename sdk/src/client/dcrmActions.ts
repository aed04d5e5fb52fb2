import * as actions from "../actions/index.js";
import type { DcrmClient } from "./createDcrmClient.js";

type Actions = typeof actions;
type ActionName = { [K in keyof Actions]: Actions[K] extends (client: DcrmClient, ...rest: never[]) => Promise<unknown> ? K : never }[keyof Actions];

/** Every action, bound to one client: `dcrm.checkout(params)` is `checkout(dcrm, params)`. */
export type DcrmActions = { [K in ActionName]: Actions[K] extends (client: DcrmClient, ...rest: infer P) => infer R ? (...parameters: P) => R : never };

/**
 * Binds every action to `client`.
 *
 * @example
 * const dcrm = dcrmActions(await createDcrmClient({ publicClient, walletClient, deployment }));
 * await dcrm.checkout({ orderId: 1042n, shopper, points: 100n });
 */
export function dcrmActions<TClient extends DcrmClient>(client: TClient): TClient & DcrmActions {
  const bound: Record<string, unknown> = {};
  for (const [name, action] of Object.entries(actions)) {
    if (typeof action === "function") bound[name] = (...parameters: unknown[]) => (action as (c: DcrmClient, ...p: unknown[]) => unknown)(client, ...parameters);
  }
  return { ...client, ...bound } as unknown as TClient & DcrmActions;
}
