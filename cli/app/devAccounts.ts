/** The dev accounts of the local chain (the test mnemonic's first ten), named by what the demo program uses them for. */
export interface DevAccountRole {
  label: string;
  /** A demo partner's referral code. */
  code?: string;
}

export const DEV_ACCOUNT_ROLES: readonly DevAccountRole[] = [
  { label: "admin" },
  { label: "storefront: Northwind Outfitters" },
  { label: "storefront: Harbor Books" },
  { label: "storefront: Copper Kettle Coffee" },
  { label: "partner: ANNA-STYLE", code: "ANNA-STYLE" },
  { label: "partner: LEO-READS", code: "LEO-READS" },
  { label: "analytics tool (data consumer)" },
  { label: "shopper (dev account 7)" },
  { label: "shopper (dev account 8)" },
  { label: "consent relayer" },
];

/** The account whose key the local relayer signs with (it pays the gas of shoppers' consents). */
export const RELAYER_ACCOUNT = 9;
