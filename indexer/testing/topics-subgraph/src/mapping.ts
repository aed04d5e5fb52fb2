import { BigInt, Bytes, ethereum } from "@graphprotocol/graph-ts";
import { Moved } from "../generated/Mover/Mover";
import { Move, Receipt, Watched } from "../generated/schema";

function record(event: Moved, handler: string): void {
  const move = new Move(event.transaction.hash.concatI32(event.logIndex.toI32()));
  move.handler = handler;
  move.from = event.params.from;
  move.to = event.params.to;
  move.tokenId = event.params.id;
  move.amount = event.params.amount;
  move.hasReceipt = event.receipt != null;
  move.save();
}

function saveReceipt(receipt: ethereum.TransactionReceipt): void {
  const saved = new Receipt(receipt.transactionHash);
  saved.transactionIndex = receipt.transactionIndex;
  saved.blockHash = receipt.blockHash;
  saved.blockNumber = receipt.blockNumber;
  saved.cumulativeGasUsed = receipt.cumulativeGasUsed;
  saved.gasUsed = receipt.gasUsed;
  saved.contractAddress = receipt.contractAddress;
  saved.status = receipt.status;
  saved.root = receipt.root;
  saved.logsBloom = receipt.logsBloom;
  const addresses = new Array<Bytes>();
  const topics = new Array<Bytes>();
  const data = new Array<Bytes>();
  const blockHashes = new Array<Bytes>();
  const blockNumbers = new Array<BigInt>();
  const transactionHashes = new Array<Bytes>();
  const transactionIndexes = new Array<BigInt>();
  const indexes = new Array<BigInt>();
  const removed = new Array<boolean>();
  for (let i = 0; i < receipt.logs.length; i++) {
    const log = receipt.logs[i];
    addresses.push(log.address);
    for (let j = 0; j < log.topics.length; j++) topics.push(log.topics[j]);
    data.push(log.data);
    blockHashes.push(log.blockHash);
    // The host writes a log's block number as a BigInt's bytes.
    blockNumbers.push(changetype<BigInt>(log.blockNumber));
    transactionHashes.push(log.transactionHash);
    transactionIndexes.push(log.transactionIndex);
    indexes.push(log.logIndex);
    const wrapped = log.removed;
    removed.push(wrapped != null && wrapped.inner);
  }
  saved.logAddresses = addresses;
  saved.logTopics = topics;
  saved.logData = data;
  saved.logBlockHashes = blockHashes;
  saved.logBlockNumbers = blockNumbers;
  saved.logTransactionHashes = transactionHashes;
  saved.logTransactionIndexes = transactionIndexes;
  saved.logIndexes = indexes;
  saved.logsRemoved = removed;
  saved.save();
}

export function handleMovedTo(event: Moved): void {
  record(event, "to");
  saveReceipt(event.receipt!);
}

export function handleMovedBy(event: Moved): void {
  record(event, "by");
}

export function handleMovedWatched(event: Moved): void {
  const watched = new Watched(event.transaction.hash.concatI32(event.logIndex.toI32()));
  watched.amount = event.params.amount;
  watched.hasReceipt = event.receipt != null;
  watched.save();
}
