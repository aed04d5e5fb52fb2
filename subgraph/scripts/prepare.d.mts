/** A data source of the subgraph: its contract, artifact, mapping file and the events it handles. */
export interface DataSource {
  name: string;
  artifact: string;
  mapping: string;
  events: string[];
  entities: string[];
}

export const subgraphDir: string;
export const root: string;
export const dataSources: DataSource[];
/** The file (beside subgraph.yaml) that every data source's mapping points at. */
export const MAPPINGS_FILE: string;
/** For each data source (in order), the manifest's handler name of each of its events. */
export function handlerNames(): Record<string, string>[];
/** The text of subgraph/mappings.ts. */
export function mappingsModule(): string;
export class PrepareError extends Error {}
export function readDeployments(): Record<string, unknown>;
export function missingContracts(record: unknown): string[];
export function networksFrom(deployments: Record<string, unknown>): Record<string, Record<string, { address: string; startBlock: number }>>;
export function eventSignature(event: { name: string; inputs: { type: string; indexed?: boolean; components?: unknown[] }[] }): string;
export function prepare(network: string): { record: unknown; networks: Record<string, unknown> };
export function argValue(args: string[], flag: string): string | undefined;
