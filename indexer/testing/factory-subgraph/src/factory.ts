import { DataSourceContext } from "@graphprotocol/graph-ts";

import { ChildCreated } from "../generated/Factory/Factory";
import { Child } from "../generated/schema";
import { Child as ChildTemplate } from "../generated/templates";

export function handleChildCreated(event: ChildCreated): void {
  const context = new DataSourceContext();
  context.setString("label", event.params.label);
  context.setBigInt("serial", event.params.serial);
  ChildTemplate.createWithContext(event.params.child, context);
  if (Child.load(event.params.child) != null) return;
  const child = new Child(event.params.child);
  child.label = event.params.label;
  child.createdAt = event.block.number;
  child.save();
}
