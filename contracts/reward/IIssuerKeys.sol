// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IIssuerKeys
/// @notice Signer keys that act for a storefront, so that several keys can share a storefront's load (each with
/// its own nonces) under the storefront's one cap, policy and order bitmap.
/// @dev Each contract keeps its own keys: a storefront authorises them on each contract it wants them to act
/// on. RewardToken: a storefront is an account holding the issuer role; a key issues (every form: single
/// orders, batches, order ranges, and vouchers it signs), voids, claws back and releases early exactly as its
/// storefront would: the cap charged, the orders marked and the events emitted are the storefront's. A key's
/// power there is checked at use time and lasts only while its storefront holds the issuer role, so revoking
/// the storefront ends its keys' powers too; a key never holds the issuer role itself. ReferralEscrow: any
/// account is a storefront; a key records referrals, refunds, voids and releases early exactly as its
/// storefront would (its budget, program, cap count and events), while budgets and program terms stay the
/// storefront's own calls. A key acts for one storefront.
interface IIssuerKeys {
    /// @notice `storefront` authorised `key` to act for it (`authorised`), or removed it.
    event IssuerKeySet(address indexed storefront, address indexed key, bool authorised);

    /// @notice `key` already acts for another storefront, `storefront`; that storefront must remove it first.
    error IssuerKeyOfAnotherStorefront(address key, address storefront);

    /// @notice `key` is a storefront itself (RewardToken: it holds the issuer role; ReferralEscrow: it is the
    /// caller or has keys of its own): a storefront cannot act for another one.
    error IssuerKeyIsStorefront(address key);

    /// @notice `key`, which the caller `storefront` tried to remove, does not act for it.
    error NotIssuerKeyOf(address key, address storefront);

    /// @notice `account` acts for `storefront` as its key, so it cannot become a storefront of its own
    /// (RewardToken: get the issuer role; ReferralEscrow: authorise keys); the storefront must remove the key first.
    error AccountIsIssuerKey(address account, address storefront);

    /// @notice Authorises `key` to act for the caller, a storefront (on RewardToken, one holding the issuer
    /// role), or (with `authorised` false) removes it. Authorising a key the caller already has changes nothing
    /// and emits nothing.
    /// @dev Reverts with `ZeroAddress` for the zero key, `IssuerKeyIsStorefront` when the key is a storefront
    /// itself, `IssuerKeyOfAnotherStorefront` when it acts for another storefront, `NotIssuerKeyOf` when removing
    /// a key that acts for another storefront or for none; on RewardToken `AccessControlUnauthorizedAccount`
    /// unless the caller holds the issuer role, on ReferralEscrow `AccountIsIssuerKey` when the caller is a key.
    function setIssuerKey(address key, bool authorised) external;

    /// @notice The storefront `key` acts for; the zero address when it acts for none. On RewardToken the key's
    /// power also needs that storefront's issuer role, which `hasRole` tells.
    function storefrontOfKey(address key) external view returns (address storefront);
}
