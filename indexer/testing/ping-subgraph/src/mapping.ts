import { BigInt } from "@graphprotocol/graph-ts";
import { Ping } from "../generated/Pinger/Pinger";
import { PingEvent, PingPoint, Sender } from "../generated/schema";

export function handlePing(event: Ping): void {
  // 13 is the fixture's poison value: a handler that fails, as a buggy mapping would.
  if (event.params.value == BigInt.fromI32(13)) throw new Error("unlucky value 13");
  let sender = Sender.load(event.params.sender);
  if (sender == null) {
    sender = new Sender(event.params.sender);
    sender.pings = 0;
    sender.total = BigInt.zero();
  }
  sender.pings = sender.pings + 1;
  sender.total = sender.total.plus(event.params.value);
  sender.lastValue = event.params.value;
  sender.save();

  const ping = new PingEvent(event.transaction.hash.concatI32(event.logIndex.toI32()));
  ping.sender = sender.id;
  ping.value = event.params.value;
  ping.blockNumber = event.block.number;
  ping.timestamp = event.block.timestamp;
  ping.save();

  const point = new PingPoint(0);
  point.sender = sender.id;
  point.value = event.params.value;
  point.save();
}
