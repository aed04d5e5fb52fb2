// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title IIssuerKeys
/// @notice Signer keys that act for a storefront, so that several keys can share a storefront's load (each with
/// its own nonces) under the storefront's one cap, policy and order bitmap.
/// @dev A storefront is an account holding the issuer role. It authorises keys and removes them. A key issues
/// (every form: single orders, batches, order ranges, and vouchers it signs), voids, claws back and releases
/// early exactly as its storefront would: the cap charged, the orders marked and the events emitted are the
/// storefront's. A key's power is checked at use time and lasts only while its storefront holds the issuer
/// role, so revoking the storefront ends its keys' powers too. A key acts for one storefront and never holds
/// the issuer role itself.
interface IIssuerKeys {
    /// @notice `storefront` authorised `key` to act for it (`authorised`), or removed it.
    event IssuerKeySet(address indexed storefront, address indexed key, bool authorised);

    /// @notice `key` already acts for another storefront, `storefront`; that storefront must remove it first.
    error IssuerKeyOfAnotherStorefront(address key, address storefront);

    /// @notice `key` holds the issuer role itself: a storefront cannot act for another one.
    error IssuerKeyIsStorefront(address key);

    /// @notice `key`, which the caller `storefront` tried to remove, does not act for it.
    error NotIssuerKeyOf(address key, address storefront);

    /// @notice `account` acts for `storefront` as its key, so it cannot get the issuer role of its own; the
    /// storefront must remove the key first.
    error AccountIsIssuerKey(address account, address storefront);

    /// @notice Authorises `key` to act for the caller, a storefront holding the issuer role, or (with
    /// `authorised` false) removes it. Authorising a key the caller already has changes nothing and emits
    /// nothing.
    /// @dev Reverts with `ZeroAddress` for the zero key, `IssuerKeyIsStorefront` when the key holds the issuer
    /// role, `IssuerKeyOfAnotherStorefront` when it acts for another storefront, `NotIssuerKeyOf` when removing
    /// a key that acts for another storefront or for none, and `AccessControlUnauthorizedAccount` unless the
    /// caller holds the issuer role.
    function setIssuerKey(address key, bool authorised) external;

    /// @notice The storefront `key` acts for; the zero address when it acts for none. The key's power also
    /// needs that storefront's issuer role, which `hasRole` tells.
    function storefrontOfKey(address key) external view returns (address storefront);
}
