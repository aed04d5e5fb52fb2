/** Where the repository's tools are. */
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");
export const bin = join(root, "node_modules", ".bin");
/** The anvil binary itself: the npm wrapper would leave anvil running when it is stopped. */
export const anvilBinary = join(root, "node_modules", "@foundry-rs", `anvil-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}`, "bin", "anvil");
export const subgraphBuildDir = join(root, "subgraph", "build");
