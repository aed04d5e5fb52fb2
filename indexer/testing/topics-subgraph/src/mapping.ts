import { Moved } from "../generated/Mover/Mover";
import { Move } from "../generated/schema";

function record(event: Moved, handler: string): void {
  const move = new Move(event.transaction.hash.concatI32(event.logIndex.toI32()));
  move.handler = handler;
  move.from = event.params.from;
  move.to = event.params.to;
  move.tokenId = event.params.id;
  move.amount = event.params.amount;
  move.save();
}

export function handleMovedTo(event: Moved): void {
  record(event, "to");
}

export function handleMovedBy(event: Moved): void {
  record(event, "by");
}
