import { Bytes, dataSource } from "@graphprotocol/graph-ts";

import { Note, Tally } from "../generated/schema";

export function handleNoteFile(content: Bytes): void {
  const text = content.toString();
  if (text == "write the tally") {
    // Tally is not among this template's entities: the indexer refuses the write.
    const tally = new Tally("from a file");
    tally.posts = 1;
    tally.save();
    return;
  }
  const note = new Note(dataSource.stringParam());
  note.text = text;
  note.title = dataSource.context().getString("title");
  note.sawTally = Tally.load("all") !== null;
  note.sawOwn = false;
  note.save();
  const own = Note.load(dataSource.stringParam());
  if (own !== null) {
    own.sawOwn = true;
    own.save();
  }
}
