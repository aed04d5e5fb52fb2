#!/usr/bin/env node
// `dcrm`: the local stack's command. `dcrm <command> --help` tells each command's options.
// The commands are TypeScript that Node 22.18+ runs as it is; an older Node hands over to the project's own
// Node 22 (the npm package `node`, in node_modules/.bin), which `npm start` and every `npm run` use anyway.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const [major, minor] = process.versions.node.split(".").map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  const bundled = join(here, "..", "node_modules", ".bin", "node");
  if (!existsSync(bundled)) {
    console.error(`dcrm: needs Node 22.18 or newer (this is ${process.version}); run \`npm run bootstrap\` first, which installs it in node_modules/.bin`);
    process.exit(1);
  }
  const child = spawn(bundled, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: "inherit" });
  for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
} else {
  const { main } = await import(pathToFileURL(join(here, "main.ts")).href);
  await main(process.argv.slice(2));
}
