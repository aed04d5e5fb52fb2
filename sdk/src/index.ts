/**
 * @dcrm/sdk: the typed SDK of dCRM, the tokenized loyalty and referral engine. viem actions for
 * storefronts, shoppers, partners and data consumers; typed marketer queries for the subgraph; every contract
 * error as its own class. React hooks: `@dcrm/sdk/react`.
 */
export { createDcrmClient, type CreateDcrmClientErrorType, type CreateDcrmClientParameters, type CreateDcrmClientReturnType, type DcrmClient, type DcrmWalletClient } from "./client/createDcrmClient.js";
export { dcrmActions, type DcrmActions } from "./client/dcrmActions.js";
export { DEPLOYED_CONTRACTS, parseDeployment, type DeployedContractName, type Deployment, type DeploymentRecord } from "./client/deployment.js";
export * from "./actions/index.js";
export { DcrmError } from "./errors/dcrmError.js";
export { ContractRevertError, type RevertContext } from "./errors/contractRevertError.js";
export { AccountRequiredError, ChainMismatchError, ContractNotDeployedError, InvalidDeploymentError, InvalidParameterError, TransactionRevertedError } from "./errors/clientErrors.js";
export { decodeRevert } from "./errors/decodeRevert.js";
export * from "./generated/errors.js";
export { consentRegistryAbi, dataAccessPaymentsAbi, referralEscrowAbi, rewardTokenAbi } from "./generated/contracts.js";
export { knownDeployments } from "./generated/deployments.js";
export * from "./rewardToken/typedData.js";
export * from "./consent/typedData.js";
export { graphql, type FragmentOf, type ResultOf, type VariablesOf } from "./marketer/graphql.js";
export { querySubgraph, SubgraphQueryError, type QuerySubgraphParameters } from "./marketer/querySubgraph.js";
export { createMarketerClient, type CreateMarketerClientParameters, type MarketerClient } from "./marketer/createMarketerClient.js";
export * from "./generated/marketerQueries.js";
export {
  type AcceptedCheckout,
  type CheckoutSender,
  CheckoutSenderClosedError,
  type CheckoutSenderEffects,
  type CheckoutSenderOptions,
  createCheckoutSender,
} from "./sender/createCheckoutSender.js";
export type { CheckoutOrder, CheckoutRequest, OrderIdRange } from "./sender/checkoutRequest.js";
export { type AcceptedEntry, type CheckoutJournal, type JournalEntry, memoryJournal, type SettledEntry } from "./sender/checkoutJournal.js";
export { fileJournal, type FileJournalOptions } from "./sender/fileJournal.js";
export { NonceTakenError, type Fees } from "./sender/replaceableTransaction.js";
export type { CheckoutSenderLog, CheckoutSenderStatus } from "./sender/senderStatus.js";
