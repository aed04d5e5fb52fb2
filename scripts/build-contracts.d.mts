/** Types of scripts/build-contracts.mjs, for the TypeScript that imports it. */
export type BuildScope = "all" | "deployed";

export declare const root: string;
/** The sources of every contract deploy/ deploys on a local network. */
export declare const DEPLOYED_SOURCES: readonly string[];
export declare function stampFile(scope?: BuildScope): string;
export declare function contractsFingerprint(scope?: BuildScope): string;
export declare function contractsCurrent(scope?: BuildScope): boolean;
export declare function ensureContracts(options?: { log?: (line: string) => void; scope?: BuildScope }): { built: boolean; seconds: number };
