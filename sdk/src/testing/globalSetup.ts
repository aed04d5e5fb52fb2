/** vitest global setup of the SDK's tests: one local chain with the system deployed, shared by every file. */
import type { TestProject } from "vitest/node";

import type { DeploymentRecord } from "../client/deployment.js";
import { startLocalChain } from "./localChain.js";

declare module "vitest" {
  export interface ProvidedContext {
    rpcUrl: string;
    deployment: DeploymentRecord;
  }
}

export default async function setup(project: TestProject) {
  const chain = await startLocalChain();
  project.provide("rpcUrl", chain.url);
  project.provide("deployment", chain.deployment);
  return () => chain.stop();
}
