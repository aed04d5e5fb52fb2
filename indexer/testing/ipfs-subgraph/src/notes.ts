import { Bytes, DataSourceContext, ipfs, JSONValue, Value } from "@graphprotocol/graph-ts";

import { Published } from "../generated/Notes/Notes";
import { Line, Note, Post, Tally } from "../generated/schema";
import { NoteFile } from "../generated/templates";

// graph-ts declares no ipfs.getBlock; graph-node links it by this name.
@external("env", "ipfs.getBlock")
declare function ipfsGetBlock(hash: string): Bytes | null;

export function handlePublished(event: Published): void {
  const cid = event.params.cid;
  const post = new Post(event.transaction.hash.concatI32(event.logIndex.toI32()));
  post.cid = cid;
  post.title = event.params.title;
  const content = ipfs.cat(cid);
  post.catFound = content !== null;
  if (content !== null) post.catText = content.toString();
  const block = ipfsGetBlock(cid);
  if (block !== null) post.blockSize = block.length;
  post.sawNote = Note.load(cid) !== null;
  post.save();

  let tally = Tally.load("all");
  if (tally === null) {
    tally = new Tally("all");
    tally.posts = 0;
  }
  tally.posts += 1;
  tally.save();

  if (event.params.title == "Lines") ipfs.mapJSON(cid, "saveLine", Value.fromString(cid));

  const context = new DataSourceContext();
  context.setString("title", event.params.title);
  NoteFile.createWithContext(cid, context);
}

/** ipfs.map's callback: one Line per JSON line `{ "n": …, "text": … }`, its id the CID given as user data and n. */
export function saveLine(value: JSONValue, userData: Value): void {
  const line = value.toObject();
  const saved = new Line(userData.toString() + "-" + line.mustGet("n").toBigInt().toString());
  saved.text = line.mustGet("text").toString();
  saved.save();
}
