import { dataSource } from "@graphprotocol/graph-ts";

import { Tick as TickEvent, TickCall } from "../generated/templates/Child/Child";
import { CalledTick, Tick } from "../generated/schema";

export function handleTick(event: TickEvent): void {
  const context = dataSource.context();
  const tick = new Tick(event.transaction.hash.toHexString() + "-" + event.logIndex.toString() + "-" + context.getString("label"));
  tick.child = dataSource.address();
  tick.label = context.getString("label");
  tick.serial = context.getBigInt("serial");
  tick.value = event.params.value;
  tick.network = dataSource.network();
  tick.block = event.block.number;
  tick.save();
}

export function handleTickCall(call: TickCall): void {
  const called = new CalledTick(dataSource.address().toHexString() + "-" + call.inputs.value.toString());
  called.child = dataSource.address();
  called.label = dataSource.context().getString("label");
  called.value = call.inputs.value;
  called.from = call.from;
  called.block = call.block.number;
  called.save();
}
