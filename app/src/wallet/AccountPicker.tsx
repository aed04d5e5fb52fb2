/**
 * Who the dashboard acts as. On the local stack: a list of the dev accounts (one mock connector each), named
 * by their role in the demo. Elsewhere: the injected wallets the browser announced (EIP-6963).
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
    const current = runtime.accounts.findIndex((account) => account.address === address);
    const choose = async (index: number) => {
      if (connector) await disconnectAsync({ connector });
      if (index >= 0) await connectAsync({ connector: connectors[index]! });
    };
    return (
      <div className="account-picker">
        <label htmlFor={id}>Act as</label>
        <select id={id} value={current} onChange={(event) => void choose(Number(event.target.value))} data-testid="account-picker">
          <option value={-1}>No account</option>
          {runtime.accounts.map((account, index) => (
            <option key={account.address} value={index}>
              {account.label} ({shortAddress(account.address)})
            </option>
          ))}
        </select>
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
