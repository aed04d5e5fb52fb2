import { BigInt, ethereum } from "@graphprotocol/graph-ts";
import { Stored, Vault } from "../generated/Vault/Vault";
import { Observation } from "../generated/schema";

export function handleStored(event: Stored): void {
  const vault = Vault.bind(event.address);
  // 13 asks for a call that reverts without try_: graph-ts aborts the handler, as on graph-node.
  if (event.params.value == BigInt.fromI32(13)) vault.refuse();
  const observation = new Observation(event.transaction.hash.concatI32(event.logIndex.toI32()));
  observation.value = event.params.value;
  observation.stored = vault.stored();
  observation.scaled = vault.scaled(BigInt.fromI32(3));
  observation.scaledWithOffset = vault.scaled1(BigInt.fromI32(3), BigInt.fromI32(1));
  const described = vault.describe();
  observation.label = described.getLabel();
  observation.self = described.getSelf();
  observation.small = described.getSmall();
  observation.refuseReverted = vault.try_refuse().reverted;
  observation.balance = ethereum.getBalance(event.address);
  observation.vaultHasCode = ethereum.hasCode(event.address).inner;
  observation.senderHasCode = ethereum.hasCode(event.params.by).inner;
  observation.save();
}
