/** The data scopes the demo program uses, by name; a scope is the keccak256 of its name on chain. */
import { type Hex, keccak256, toHex } from "viem";

export const KNOWN_SCOPES = ["purchase-history", "email-marketing", "product-analytics"] as const;

export const scopeId = (name: string): Hex => keccak256(toHex(name));

const names = new Map<string, string>(KNOWN_SCOPES.map((name) => [scopeId(name).toLowerCase(), name]));

/** A scope's name when known, else its id shortened. */
export const scopeName = (id: string) => names.get(id.toLowerCase()) ?? `${id.slice(0, 10)}…`;
