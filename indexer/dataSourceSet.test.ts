/** Creating data sources from templates: what `dataSource.create` refuses, and which creations repeat others. */
import { describe, expect, it } from "vitest";

import { DataSourceSet } from "./dataSourceSet.ts";
import { MappingError } from "./host/index.ts";
import type { DataSourceSpec, SubgraphBuild } from "./manifest.ts";

const template = { kind: "ethereum", name: "Child", network: "anvil", address: null, startBlock: 0, eventHandlers: [], blockHandlers: [], callHandlers: [] } as unknown as DataSourceSpec;
const fileTemplate = { kind: "file/ipfs", name: "Note", network: "", address: null, startBlock: 0, eventHandlers: [], blockHandlers: [], callHandlers: [], fileHandler: "handleNote", entities: ["Note"] } as unknown as DataSourceSpec;
const build = { dataSources: [], templates: [template, fileTemplate] } as unknown as SubgraphBuild;
const CID = "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o";
const ADDRESS = `0x${"Ab".repeat(20)}`;

describe("DataSourceSet", () => {
  it.each([
    ["an unknown template", "Pool", [ADDRESS], /template `Pool`: there is no such template \(templates: Child, Note\)/],
    ["no address", "Child", [], /template `Child`: the address parameter is missing/],
    ["a parameter that is not an address", "Child", ["0x1234"], /template `Child`: `0x1234` is not an address/],
    ["no CID", "Note", [], /template `Note`: the CID parameter is missing/],
  ])("fails the handler on %s", (_, name, params, message) => {
    const set = new DataSourceSet(build, []);
    expect(() => set.instantiate(name, params, null, 5)).toThrow(MappingError);
    expect(() => set.instantiate(name, params, null, 5)).toThrow(message);
  });

  it("ignores a file data source whose parameter is not an IPFS path, with a warning, as graph-node does", () => {
    const set = new DataSourceSet(build, []);
    const warnings: string[] = [];
    expect(set.instantiate("Note", ["hi, I'm not valid"], null, 5, (line) => warnings.push(line))).toBeNull();
    expect(warnings).toEqual([expect.stringMatching(/^WARNING data source from template `Note` not created, ignored: `hi, I'm not valid` is not an IPFS path/)]);
  });

  it("names a file by its path without a leading /ipfs/, so that both spellings are one data source", () => {
    const set = new DataSourceSet(build, []);
    const plain = set.instantiate("Note", [CID], null, 4)!;
    const prefixed = set.instantiate("Note", [`/ipfs/${CID}/notes/a.txt`], null, 4)!;
    expect(prefixed.created!.file).toBe(`${CID}/notes/a.txt`);
    expect(set.fresh([plain, set.instantiate("Note", [`/ipfs/${CID}`], null, 4)!], [])).toEqual([plain]);
  });

  it("starts a data source at its creating block, and not twice with the same template, address and context", () => {
    const set = new DataSourceSet(build, []);
    const created = set.instantiate("Child", [ADDRESS], [["label", { kind: 0, value: "x" }]], 5)!;
    expect(created).toMatchObject({ name: "Child", address: ADDRESS.toLowerCase(), startBlock: 5 });
    const same = set.instantiate("Child", [ADDRESS.slice(2)], [["label", { kind: 0, value: "x" }]], 5)!;
    const other = set.instantiate("Child", [ADDRESS], [["label", { kind: 0, value: "y" }]], 5)!;
    expect(set.fresh([created, same, other], [])).toEqual([created, other]);
    set.add([created]);
    expect(set.fresh([same], [])).toEqual([]);
    expect(set.logFilter().addresses).toEqual([ADDRESS.toLowerCase()]);
  });

  it("rebuilds from the store's records, contexts with their value kinds", () => {
    const set = new DataSourceSet(build, []);
    const created = set.instantiate("Child", [ADDRESS], [["serial", { kind: 7, value: 12n }], ["tags", { kind: 4, value: [{ kind: 0, value: "t" }] }]], 9)!;
    const reloaded = new DataSourceSet(build, [created.created!]);
    expect(reloaded.all).toHaveLength(1);
    expect(reloaded.all[0]!.context).toEqual([["serial", { kind: 7, value: 12n }], ["tags", { kind: 4, value: [{ kind: 0, value: "t" }] }]]);
    expect(reloaded.all[0]!.startBlock).toBe(9);
  });

  it("keeps file data sources apart: no chain triggers, waiting until done, their entities hidden from chain handlers", () => {
    const set = new DataSourceSet(build, []);
    const note = set.instantiate("Note", [CID], null, 4)!;
    expect(note.created).toMatchObject({ template: "Note", address: "", file: CID, block: 4, doneAt: null });
    expect(set.fresh([note, set.instantiate("Note", [CID], null, 6)!], [])).toEqual([note]);
    set.add([note]);
    expect(set.all).toEqual([]);
    expect(set.logFilter()).toEqual({ addresses: [], topics0: [] });
    expect(set.waitingFiles).toEqual([note]);
    set.markDone([{ source: note.created!, wrote: [["Note", CID]] }], 7);
    expect(set.waitingFiles).toEqual([]);
    expect([...set.fileEntities]).toEqual([`Note\n${CID}`]);
    const reloaded = new DataSourceSet(build, [{ ...note.created!, doneAt: 7, wrote: [["Note", CID]] }]);
    expect(reloaded.waitingFiles).toEqual([]);
    expect(reloaded.fileEntities.has(`Note\n${CID}`)).toBe(true);
  });
});
