/** `abort`: AssemblyScript's failure path (a thrown Error, a failed assert, a null dereference). */
import type { HostFunctionGroup } from "../context.ts";
import { MappingError } from "../errors.ts";

export const abortFunctions: HostFunctionGroup = (context) => ({
  abort: (messagePtr: number, filePtr: number, line: number, column: number) => {
    const message = context.heap.readNullableString(messagePtr);
    const file = context.heap.readNullableString(filePtr);
    const where = file === null ? "an unknown location" : [file, line ? `line ${line}` : "", column ? `column ${column}` : ""].filter(Boolean).join(", ");
    throw new MappingError(`Mapping aborted at ${where}, with ${message === null ? "no message" : `message: ${message}`}`, {
      location: { file, line: line || null, column: column || null },
    });
  },
});
