import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseSchema } from "../schema.ts";
import { camelCase, collectionFieldName, pluralize, singleFieldName } from "./names.ts";

describe("names of root query fields", () => {
  it("pluralises type names as graph-node's inflector does", () => {
    expect(pluralize("Storefront")).toBe("Storefronts");
    expect(pluralize("Expiry")).toBe("Expiries");
    expect(pluralize("ShopperActivity")).toBe("ShopperActivities");
    expect(pluralize("DataAccess")).toBe("DataAccesses");
    expect(pluralize("ReferralStatus")).toBe("ReferralStatuses");
    expect(pluralize("Day")).toBe("Days");
    expect(pluralize("Box")).toBe("Boxes");
    expect(pluralize("housewife")).toBe("housewives");
    expect(pluralize("Datum")).toBe("Datums");
    expect(pluralize("datum")).toBe("data");
    expect(pluralize("Analysis")).toBe("Analyses");
    expect(pluralize("Stats")).toBe("Stats");
    expect(pluralize("ox")).toBe("oxen");
    // Its rules are case-sensitive: a capital letter where a rule wants lowercase misses the rule.
    expect(pluralize("Person")).toBe("Persons");
    expect(pluralize("SalesPerson")).toBe("SalesPersons");
    expect(pluralize("Wife")).toBe("Wifes");
    expect(pluralize("HouseWife")).toBe("HouseWifes");
  });

  it("camel-cases the singular and plural field names", () => {
    expect(singleFieldName("ConsentScope")).toBe("consentScope");
    expect(collectionFieldName("ConsentScope")).toBe("consentScopes");
    expect(collectionFieldName("PendingVoid")).toBe("pendingVoids");
    expect(collectionFieldName("StorefrontStat")).toBe("storefrontStats");
    expect(camelCase("Token_Stat")).toBe("tokenStat");
    expect(camelCase("ERC20Token")).toBe("erc20Token");
    expect(camelCase("NFTs")).toBe("nfts");
    expect(camelCase("ShopperActivities")).toBe("shopperActivities");
  });

  it("adds _collection when the plural equals the singular", () => {
    expect(collectionFieldName("Stats")).toBe("stats_collection");
    expect(collectionFieldName("News")).toBe("news_collection");
    expect(collectionFieldName("data")).toBe("data_collection");
  });

  it("gives every entity of the project's subgraph schema the field names its README queries", () => {
    const schema = parseSchema(readFileSync(new URL("../../subgraph/schema.graphql", import.meta.url), "utf8"));
    const names = [...schema.entities.keys()].map(collectionFieldName);
    for (const name of ["storefrontStats", "shoppers", "storefronts", "partners", "partnerBalances", "consentScopes", "consumerStats", "expiries", "dataAccesses", "shopperActivities", "dailyActivities", "storefrontHourlyActivities", "referralStats"]) {
      expect(names).toContain(name);
    }
  });
});
