import { dataSource } from "@graphprotocol/graph-ts";

import { Tick as TickEvent } from "../generated/templates/Child/Child";
import { Tick } from "../generated/schema";

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
