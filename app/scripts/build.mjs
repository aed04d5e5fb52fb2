#!/usr/bin/env node
// `npm run app:build`: the dashboard typechecked and built for production, in app/dist/. The SDK it imports (@dcrm/sdk, its built
// dist/) is built first when missing, as `npm run sdk:build` builds it. The build fails when the JavaScript of the first
// page load outgrows its budget (scripts/bundleBudget.mjs).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

import { checkBudget } from "./bundleBudget.mjs";

const app = join(dirname(fileURLToPath(import.meta.url)), "..");
const root = join(app, "..");
const bin = join(root, "node_modules", ".bin");
const env = { ...process.env, PATH: `${bin}:${process.env.PATH ?? ""}` };

function run(what, command, args) {
  const result = spawnSync(command, args, { cwd: root, env, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`app:build: ${what} failed (exit ${result.status ?? result.error?.message})`);
    process.exit(1);
  }
}

if (!existsSync(join(root, "sdk", "dist", "react.js"))) run("building the SDK", "npm", ["run", "build", "-w", "@dcrm/sdk"]);
run("typechecking the dashboard", join(bin, "tsc"), ["--noEmit", "-p", join(app, "tsconfig.json")]);
run("building the dashboard (vite build)", join(bin, "vite"), ["build", app]);
if (!checkBudget(join(app, "dist"))) process.exit(1);
