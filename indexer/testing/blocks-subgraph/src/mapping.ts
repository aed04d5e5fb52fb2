import { ethereum } from "@graphprotocol/graph-ts";
import { Ping } from "../generated/Pinger/Pinger";
import { BlockSeen, PingCount, Polled, Started } from "../generated/schema";

export function handlePing(event: Ping): void {
  const id = event.block.number.toString();
  let count = PingCount.load(id);
  if (count == null) {
    count = new PingCount(id);
    count.count = 0;
  }
  count.count = count.count + 1;
  count.save();
}

function pingsSoFar(block: ethereum.Block): i32 {
  const count = PingCount.load(block.number.toString());
  return count == null ? 0 : count.count;
}

export function handleBlock(block: ethereum.Block): void {
  const seen = new BlockSeen(block.number.toString());
  seen.number = block.number;
  seen.hash = block.hash;
  seen.pingsBefore = pingsSoFar(block);
  seen.save();
}

export function handlePolled(block: ethereum.Block): void {
  new Polled(block.number.toString()).save();
}

export function handleStart(block: ethereum.Block): void {
  const started = new Started(block.number.toString());
  started.pingsBefore = pingsSoFar(block);
  started.save();
}
