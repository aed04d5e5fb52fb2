import { AddCall, Added } from "../generated/Counter/Counter";
import { ethereum } from "@graphprotocol/graph-ts";
import { CalledBlock, Tally, Trigger } from "../generated/schema";

function nextTrigger(kind: string): Trigger {
  let tally = Tally.load("all");
  if (tally == null) {
    tally = new Tally("all");
    tally.count = 0;
  }
  tally.count = tally.count + 1;
  tally.save();
  const trigger = new Trigger(tally.count.toString());
  trigger.order = tally.count;
  trigger.kind = kind;
  return trigger;
}

export function handleAdded(event: Added): void {
  const trigger = nextTrigger("event");
  trigger.amount = event.params.amount;
  trigger.from = event.params.by;
  trigger.to = event.address;
  trigger.transaction = event.transaction.hash;
  trigger.block = event.block.number;
  trigger.save();
}

export function handleAdd(call: AddCall): void {
  const trigger = nextTrigger("call");
  trigger.amount = call.inputs.amount;
  trigger.note = call.inputs.note;
  trigger.newTotal = call.outputs.newTotal;
  trigger.even = call.outputs.even;
  trigger.from = call.from;
  trigger.to = call.to;
  trigger.transaction = call.transaction.hash;
  trigger.block = call.block.number;
  trigger.save();
}

export function handleCalledBlock(block: ethereum.Block): void {
  const called = new CalledBlock(block.number.toString());
  called.number = block.number;
  const tally = Tally.load("all");
  called.triggersBefore = tally == null ? 0 : tally.count;
  called.save();
}
