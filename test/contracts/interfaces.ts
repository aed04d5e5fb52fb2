import { expect } from "chai";
import { Interface, type InterfaceAbi } from "ethers";
import hre from "hardhat";

/**
 * Functions every contract has from the upgrade and introspection machinery, which its interface does not
 * redeclare: the SDK and integrators reach them through OpenZeppelin's own interfaces.
 */
const PLUMBING: Record<string, string> = {
  "upgradeToAndCall(address,bytes)": "UUPS upgrade entry point (UUPSUpgradeable, IERC1822 proxies)",
  "proxiableUUID()": "ERC-1822 check made by the proxy on upgrade (UUPSUpgradeable)",
  "UPGRADE_INTERFACE_VERSION()": "UUPSUpgradeable's version string",
  "supportsInterface(bytes4)": "ERC-165 (AccessControlUpgradeable)",
  "DEFAULT_ADMIN_ROLE()": "AccessControl's constant: not virtual, so no interface can redeclare it",
};

/**
 * Each deployed contract and the interfaces that together declare its external surface.
 */
const SURFACES: { contract: string; interfaces: string[] }[] = [
  { contract: "ReferralEscrow", interfaces: ["IReferralEscrow", "IIssuerKeys"] },
  { contract: "ConsentRegistry", interfaces: ["IConsentRegistry"] },
  { contract: "DataAccessPayments", interfaces: ["IDataAccessPayments"] },
  { contract: "RewardToken", interfaces: ["IRewardToken", "IRewardPolicies", "IIssuerKeys", "IConstantEIP712"] },
];

async function functionsOf(name: string): Promise<Map<string, string>> {
  const { abi } = await hre.artifacts.readArtifact(name);
  const functions = new Map<string, string>();
  new Interface(abi as InterfaceAbi).forEachFunction((fragment) => functions.set(fragment.selector, fragment.format("sighash")));
  return functions;
}

/** The contract's external functions that none of `interfaces` declares, plumbing aside. */
async function undeclared(contract: string, interfaces: string[]): Promise<string[]> {
  const declared = new Set<string>();
  for (const name of interfaces) for (const selector of (await functionsOf(name)).keys()) declared.add(selector);
  const missing: string[] = [];
  for (const [selector, signature] of await functionsOf(contract)) {
    if (!declared.has(selector) && !(signature in PLUMBING)) missing.push(signature);
  }
  return missing.sort();
}

describe("interfaces: each contract's external functions are declared in its interfaces", function () {
  for (const { contract, interfaces } of SURFACES) {
    it(`${contract}: every selector outside the upgrade plumbing is in ${interfaces.join(" + ")}`, async function () {
      expect(await undeclared(contract, interfaces)).to.deep.equal([]);
    });

    it(`${contract}: each plumbing function listed is one the contract has and its interfaces leave out`, async function () {
      const functions = new Set((await functionsOf(contract)).values());
      const declared = new Set<string>();
      for (const name of interfaces) for (const signature of (await functionsOf(name)).values()) declared.add(signature);
      for (const signature of Object.keys(PLUMBING)) {
        expect(functions.has(signature), `${contract} has ${signature}`).to.equal(true);
        expect(declared.has(signature), `${interfaces.join(" + ")} leave out ${signature}`).to.equal(false);
      }
    });
  }

  it("reports the functions a contract adds without declaring them (ReferralEscrowV2's)", async function () {
    expect(await undeclared("ReferralEscrowV2", ["IReferralEscrow", "IIssuerKeys"])).to.deep.equal(["initializeV2(string)", "releaseNote()", "version()"]);
  });
});
