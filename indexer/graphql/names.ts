/**
 * The names graph-node gives to an entity type's root query fields: `storefront` for one entity and
 * `storefronts` for a collection: the type name made plural, then camel-cased. When the plural is the
 * singular (`ProgramData`), the collection is `<singular>_collection`.
 *
 * The plural follows the Rust `Inflector` crate graph-node uses, quirks included: its rules match the
 * end of the whole name case-sensitively (`ShopperActivity` → `ShopperActivities`, but `Person` →
 * `Persons`, since its `person` rule wants lowercase).
 */

/** Whole names with their own plural (lowercase only, as the crate compares them). */
const SPECIAL: Record<string, string> = {
  ox: "oxen", man: "men", woman: "women", die: "dice", yes: "yeses", foot: "feet", eave: "eaves",
  goose: "geese", tooth: "teeth", quiz: "quizzes",
};

/**
 * Suffix rules, the first match wins: the name must match `pattern` whole; its first group is kept and
 * `append` added.
 */
const RULES: { pattern: RegExp; append: string }[] = [
  [/^(\w*eaux)$/, ""],
  [/^(\w*child)(?:ren)?$/, "ren"],
  [/^(\w*pe)(?:rson|ople)$/, "ople"],
  [/^(\w*[ml])(?:ice|ouse)$/, "ice"],
  [/^(\w*(?:matr|cod|mur|sil|vert|ind|append))(?:ix|ex)$/, "ices"],
  [/^(\w*(?:x|ch|ss|sh|zz))$/, "es"],
  [/^(\w*(?:x|ch|ss|sh|zz)es)$/, ""],
  [/^(\w*[^ch][ieo][ln])ey$/, "ies"],
  [/^(\w*(?:[^aeiouy]|qu))y$/, "ies"],
  [/^(\w*(?:ar|l|ea|eo|oa|hoo))f$/, "ves"],
  [/^(\w*(?:kni|wi|li))fe$/, "ves"],
  [/^(\w*)sis$/, "ses"],
  [/^(\w*(?:apheli|hyperbat|periheli|asyndet|noumen|phenomen|criteri|organ|prolegomen|hedr|automat))(?:a|on)$/, "a"],
  [/^(\w*(?:agend|addend|millenni|dat|extrem|bacteri|desiderat|strat|candelabr|errat|ov|symposi|curricul|automat|quor))(?:a|um)$/, "a"],
  [/^(\w*(?:her|at|gr))o$/, "oes"],
  [/^(\w*(?:seraph|cherub))(?:im)?$/, "im"],
  [/^(\w*(?:alumn|alg|vertebr))(?:a|ae)$/, "ae"],
  [/^(\w*(?:alumn|syllab|octop|vir|radi|nucle|fung|cact|stimul|termin|bacill|foc|uter|loc|strat))(?:us|i)$/, "i"],
  [/^(\w*(?:[^l]ias|[aeiou]las|[emjzr]as|[iu]am))$/, ""],
  [/^(\w*e[mn]u)s?$/, "s"],
  [/^(\w*(?:alias|[^aou]us|tlas|gas|ris))$/, "es"],
  [/^(\w*(?:ax|test))is$/, "es"],
  [/^(\w*[^aeiou]ese)$/, ""],
  [/^(\w*)s$/, "s"],
].map(([pattern, append]) => ({ pattern: pattern as RegExp, append: append as string }));

/** The plural of a type name, as graph-node forms it. */
export function pluralize(name: string): string {
  const special = SPECIAL[name];
  if (special) return special;
  for (const { pattern, append } of RULES) {
    const kept = pattern.exec(name)?.[1];
    if (kept !== undefined) return kept + append;
  }
  return `${name}s`;
}

/**
 * camelCase of a type name as the `Inflector` crate forms it: `ConsentScope` → `consentScope`,
 * `Token_Stat` → `tokenStat`, `ERC20Token` → `erc20Token`, `NFTs` → `nfts`. A capital starts a new word
 * only after a lowercase letter, a digit or a separator; everything else is lowercased.
 */
export function camelCase(name: string): string {
  const isAlphanumeric = (c: string) => /[\p{L}\p{N}]/u.test(c);
  let out = "";
  let newWord = false;
  let started = false;
  let lastLetter = " ";
  for (const c of name.replace(/[^\p{L}\p{N}]+$/u, "")) {
    if (!isAlphanumeric(c)) {
      if (started) newWord = true;
    } else if (/\p{N}/u.test(c)) {
      started = true;
      newWord = true;
      out += c;
    } else if (newWord || (lastLetter !== lastLetter.toUpperCase() && c !== c.toLowerCase())) {
      // The crate does not remember a word's first letter as the last letter seen.
      started = true;
      newWord = false;
      out += c.toUpperCase();
    } else {
      started = true;
      lastLetter = c;
      out += c.toLowerCase();
    }
  }
  return out;
}

/** The root field that reads one entity by id: `storefront(id: …)`. */
export function singleFieldName(typeName: string): string {
  return camelCase(typeName);
}

/** The root field that reads a collection: `storefronts(first: …)`. */
export function collectionFieldName(typeName: string): string {
  const singular = camelCase(typeName);
  const plural = camelCase(pluralize(typeName));
  return plural === singular ? `${singular}_collection` : plural;
}
