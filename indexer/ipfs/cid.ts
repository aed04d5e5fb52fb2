/**
 * IPFS paths (`<cid>` or `<cid>/<path inside a directory>`) and checking content against its CID where the CID
 * alone says what the content must hash to: a `raw` CID (the content's own hash), or a `dag-pb` CID of a file
 * that fits in one UnixFS leaf (what `ipfs add` writes for a file of up to one 256 KiB chunk with its defaults).
 * Larger files are a tree of blocks whose root alone does not tell the content's hash: they are not checked.
 */
import { CID } from "multiformats/cid";
import { sha256 } from "multiformats/hashes/sha2";

/** A path handed to `ipfs.cat` or `dataSource.create` that does not start with a CID. */
export class IpfsPathError extends Error {
  override name = "IpfsPathError";
}

const RAW = 0x55;
const DAG_PB = 0x70;
const SHA2_256 = 0x12;
/** The chunk size of `ipfs add` by default: a file up to this size is one block. */
export const DEFAULT_CHUNK_BYTES = 262_144;

/** `<cid>[/path]`, with an optional leading `/ipfs/` as graph-node accepts; the CID parsed. */
export function parseIpfsPath(path: string): { cid: CID; rest: string; text: string } {
  const text = path.trim().replace(/^\/?ipfs\//, "");
  const slash = text.indexOf("/");
  const head = slash === -1 ? text : text.slice(0, slash);
  try {
    return { cid: CID.parse(head), rest: slash === -1 ? "" : text.slice(slash), text };
  } catch (error) {
    throw new IpfsPathError(`\`${path}\` is not an IPFS path: \`${head}\` is not a CID (${(error as Error).message})`);
  }
}

/** Whether `bytes` are the content `path` names: true or false when the CID says, null when it cannot. */
export function contentMatches(path: string, bytes: Uint8Array): boolean | null {
  const { cid, rest } = parseIpfsPath(path);
  if (rest !== "" || cid.multihash.code !== SHA2_256) return null;
  if (cid.code === RAW) return equal(sha256digest(bytes), cid.multihash.digest);
  if (cid.code === DAG_PB && bytes.length <= DEFAULT_CHUNK_BYTES) return equal(sha256digest(unixfsLeaf(bytes)), cid.multihash.digest);
  return null;
}

/** Whether `bytes` are the block `cid` (its bytes hash to the CID whatever its codec); null for a hash other than sha2-256. */
export function blockMatches(cid: string, bytes: Uint8Array): boolean | null {
  const parsed = parseIpfsPath(cid).cid;
  return parsed.multihash.code === SHA2_256 ? equal(sha256digest(bytes), parsed.multihash.digest) : null;
}

/** The CID `ipfs add` gives a file of up to one chunk: CIDv0 (`Qm…`, dag-pb) by default, or CIDv1 with raw leaves. */
export function fileCid(bytes: Uint8Array, form: "v0" | "raw" = "v0"): string {
  if (form === "raw") return CID.createV1(RAW, digestOf(bytes)).toString();
  if (bytes.length > DEFAULT_CHUNK_BYTES) throw new RangeError(`a file over ${DEFAULT_CHUNK_BYTES} bytes is several blocks`);
  return CID.createV0(digestOf(unixfsLeaf(bytes))).toString();
}

/** The one block of a file of up to one chunk as `ipfs add` stores it with CIDv0: a dag-pb UnixFS leaf. */
export function fileBlock(bytes: Uint8Array): Uint8Array {
  return unixfsLeaf(bytes);
}

function digestOf(bytes: Uint8Array) {
  const digest = sha256.digest(bytes);
  if (digest instanceof Promise) throw new Error("sha256 is synchronous in Node");
  return digest;
}

const sha256digest = (bytes: Uint8Array): Uint8Array => digestOf(bytes).digest;

/**
 * A dag-pb node without links whose data is a UnixFS `File` holding `bytes`: the protobuf fields in the order
 * the encoders write them (UnixFS: Type = File, Data when not empty, filesize; PBNode: Data).
 */
function unixfsLeaf(bytes: Uint8Array): Uint8Array {
  const unixfs = concat([
    [0x08, 0x02],
    bytes.length > 0 ? concat([[0x12], varint(bytes.length), bytes]) : new Uint8Array(),
    [0x18],
    varint(bytes.length),
  ]);
  return concat([[0x0a], varint(unixfs.length), unixfs]);
}

function varint(value: number): number[] {
  const out: number[] = [];
  while (value >= 0x80) {
    out.push((value & 0x7f) | 0x80);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return out;
}

function concat(parts: (Uint8Array | number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
