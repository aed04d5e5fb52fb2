/**
 * Who the dashboard acts as. On the local stack: a list of the dev accounts (one mock connector each), named
 * by their role in the demo, and any browser wallet announced (EIP-6963). Elsewhere: the injected wallets the
 * browser announced.
 */
import { useId } from "react";
import { useAccount, useConnect, useConnectors, useDisconnect } from "wagmi";

import { readableError } from "../errors.ts";
import { shortAddress } from "../format.ts";
import { useRuntime } from "./useDcrm.ts";

export function AccountPicker() {
  const runtime = useRuntime();
  const connectors = useConnectors();
  const { address, connector } = useAccount();
  const { connectAsync, error } = useConnect();
  const { disconnectAsync } = useDisconnect();
  const id = useId();

  if (runtime.kind === "local") {
    // A dev account is an index into runtime.accounts (its mock connector has the same index); a browser
    // wallet is its connector's uid.
    const wallets = connectors.filter((candidate) => candidate.type !== "mock");
    const current = !connector ? "-1" : connector.type === "mock" ? String(runtime.accounts.findIndex((account) => account.address === address)) : `wallet:${connector.uid}`;
    const choose = async (value: string) => {
      if (connector) await disconnectAsync({ connector });
      const next = value.startsWith("wallet:") ? wallets.find((candidate) => `wallet:${candidate.uid}` === value) : connectors[Number(value)];
      if (next && value !== "-1") await connectAsync({ connector: next });
    };
    return (
      <div className="account-picker">
        <label htmlFor={id}>Act as</label>
        <select id={id} value={current} onChange={(event) => void choose(event.target.value)} data-testid="account-picker">
          <option value="-1">No account</option>
          {runtime.accounts.map((account, index) => (
            <option key={account.address} value={String(index)}>
              {account.label} ({shortAddress(account.address)})
            </option>
          ))}
          {wallets.map((wallet) => (
            <option key={wallet.uid} value={`wallet:${wallet.uid}`}>
              {wallet.name} (browser wallet)
            </option>
          ))}
        </select>
        {connector && connector.type !== "mock" && address && <span data-testid="wallet-account">{shortAddress(address)}</span>}
        {error && <span className="error" role="alert">{readableError(error)}</span>}
      </div>
    );
  }
  return (
    <div className="account-picker">
      {address ? (
        <>
          <span>{shortAddress(address)}</span>
          <button type="button" onClick={() => void disconnectAsync()}>
            Disconnect
          </button>
        </>
      ) : connectors.length === 0 ? (
        <span>No wallet found in this browser.</span>
      ) : (
        connectors.map((candidate) => (
          <button type="button" key={candidate.uid} onClick={() => void connectAsync({ connector: candidate })}>
            Connect {candidate.name}
          </button>
        ))
      )}
      {error && <span className="error" role="alert">{readableError(error)}</span>}
    </div>
  );
}
