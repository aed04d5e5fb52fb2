// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRewardToken} from "./IRewardToken.sol";

/// @notice A storefront's issuance state packed in one storage word, laid out as Solidity packs
/// `IRewardToken.StorefrontIssuance` (low bits first): flags 8 bits | capPeriod 32 | periodStart 40 |
/// capPerPeriod 88 | issuedInPeriod 88. Checkout reads the word once and writes it once.
/// The low byte, `isIssuer` in the struct, holds three flags: bit 0 is the issuer role, bit 1 says that the
/// storefront's policy records its orders (a return window or clawback), so that a storefront without a policy
/// never reads it, and bit 2 says that the account is a signer key acting for another storefront (`IIssuerKeys`),
/// so that only a key's calls read which storefront that is.
type StorefrontIssuanceSlot is uint256;

using StorefrontIssuanceSlots for StorefrontIssuanceSlot global;

/// @title StorefrontIssuanceSlots
/// @notice Reads and updates of the packed word, and the per-period cap: periods aligned to multiples of their
/// length (a one-day period is a UTC day), a counter of what was issued in the current one, and the check
/// that keeps it under the cap.
library StorefrontIssuanceSlots {
    uint256 internal constant CAP_PERIOD_OFFSET = 8;
    uint256 internal constant PERIOD_START_OFFSET = 40;
    uint256 internal constant CAP_OFFSET = 80;
    uint256 internal constant ISSUED_OFFSET = 168;
    uint256 internal constant MASK_8 = type(uint8).max;
    uint256 internal constant ISSUER_FLAG = 1;
    uint256 internal constant RECORDS_ORDERS_FLAG = 2;
    uint256 internal constant ISSUER_KEY_FLAG = 4;
    uint256 internal constant MASK_32 = type(uint32).max;
    uint256 internal constant MASK_40 = type(uint40).max;
    uint256 internal constant MASK_88 = type(uint88).max;

    function isIssuer(StorefrontIssuanceSlot slot) internal pure returns (bool) {
        return StorefrontIssuanceSlot.unwrap(slot) & ISSUER_FLAG != 0;
    }

    /// @notice Whether the storefront holds the issuer role and has no policy (the common case at checkout).
    function isIssuerWithoutPolicy(StorefrontIssuanceSlot slot) internal pure returns (bool) {
        return StorefrontIssuanceSlot.unwrap(slot) & (ISSUER_FLAG | RECORDS_ORDERS_FLAG) == ISSUER_FLAG;
    }

    /// @notice Whether the storefront's policy keeps a record of each order (pending points or clawback).
    function recordsOrders(StorefrontIssuanceSlot slot) internal pure returns (bool) {
        return StorefrontIssuanceSlot.unwrap(slot) & RECORDS_ORDERS_FLAG != 0;
    }

    /// @notice Whether the account is a signer key that acts for another storefront.
    function isIssuerKey(StorefrontIssuanceSlot slot) internal pure returns (bool) {
        return StorefrontIssuanceSlot.unwrap(slot) & ISSUER_KEY_FLAG != 0;
    }

    /// @notice The word with the issuer-key flag set to `key`, everything else kept.
    function withIssuerKey(StorefrontIssuanceSlot slot, bool key) internal pure returns (StorefrontIssuanceSlot) {
        uint256 word = StorefrontIssuanceSlot.unwrap(slot) & ~ISSUER_KEY_FLAG;
        return StorefrontIssuanceSlot.wrap(key ? word | ISSUER_KEY_FLAG : word);
    }

    /// @notice The word with the issuer flag set to `issuer`, everything else kept.
    function withIssuer(StorefrontIssuanceSlot slot, bool issuer) internal pure returns (StorefrontIssuanceSlot) {
        uint256 word = StorefrontIssuanceSlot.unwrap(slot) & ~ISSUER_FLAG;
        return StorefrontIssuanceSlot.wrap(issuer ? word | ISSUER_FLAG : word);
    }

    /// @notice The word with the records-orders flag set to `records`, everything else kept.
    function withRecordsOrders(StorefrontIssuanceSlot slot, bool records)
        internal
        pure
        returns (StorefrontIssuanceSlot)
    {
        uint256 word = StorefrontIssuanceSlot.unwrap(slot) & ~RECORDS_ORDERS_FLAG;
        return StorefrontIssuanceSlot.wrap(records ? word | RECORDS_ORDERS_FLAG : word);
    }

    /// @notice The word as the struct the views return, its period rolled forward to `timestamp`.
    function toStruct(StorefrontIssuanceSlot slot, uint256 timestamp)
        internal
        pure
        returns (IRewardToken.StorefrontIssuance memory issuance)
    {
        uint256 word = StorefrontIssuanceSlot.unwrap(slot);
        uint256 capPeriod = (word >> CAP_PERIOD_OFFSET) & MASK_32;
        (uint256 periodStart, uint256 issued) =
            _current((word >> PERIOD_START_OFFSET) & MASK_40, word >> ISSUED_OFFSET, capPeriod, timestamp);
        issuance = IRewardToken.StorefrontIssuance({
            isIssuer: word & ISSUER_FLAG != 0,
            capPeriod: uint32(capPeriod),
            periodStart: uint40(periodStart),
            capPerPeriod: uint88((word >> CAP_OFFSET) & MASK_88),
            issuedInPeriod: uint88(issued)
        });
    }

    /// @notice Packs `issuance` (fields already range-checked by their types); the records-orders and
    /// issuer-key flags are clear.
    function fromStruct(IRewardToken.StorefrontIssuance memory issuance) internal pure returns (StorefrontIssuanceSlot) {
        uint256 word = (issuance.isIssuer ? 1 : 0) | (uint256(issuance.capPeriod) << CAP_PERIOD_OFFSET)
            | (uint256(issuance.periodStart) << PERIOD_START_OFFSET) | (uint256(issuance.capPerPeriod) << CAP_OFFSET)
            | (uint256(issuance.issuedInPeriod) << ISSUED_OFFSET);
        return StorefrontIssuanceSlot.wrap(word);
    }

    /// @notice The word after counting `amount` against the cap of the period containing `timestamp`;
    /// reverts when the storefront has no cap or the amount would take it past the cap.
    function charged(StorefrontIssuanceSlot slot, address storefront, uint256 amount, uint256 timestamp)
        internal
        pure
        returns (StorefrontIssuanceSlot)
    {
        uint256 word = StorefrontIssuanceSlot.unwrap(slot);
        uint256 capPeriod = (word >> CAP_PERIOD_OFFSET) & MASK_32;
        if (capPeriod == 0) revert IRewardToken.IssuanceCapNotSet(storefront);
        (uint256 periodStart, uint256 issued) =
            _current((word >> PERIOD_START_OFFSET) & MASK_40, word >> ISSUED_OFFSET, capPeriod, timestamp);
        uint256 cap = (word >> CAP_OFFSET) & MASK_88;
        if (issued + amount > cap) {
            revert IRewardToken.IssuanceCapExceeded(storefront, cap, periodStart, issued, amount);
        }
        // periodStart <= timestamp fits 40 bits (34,000 years); issued + amount <= cap fits 88 bits.
        uint256 kept = word & (MASK_8 | (MASK_32 << CAP_PERIOD_OFFSET) | (MASK_88 << CAP_OFFSET));
        return StorefrontIssuanceSlot.wrap(
            kept | (periodStart << PERIOD_START_OFFSET) | ((issued + amount) << ISSUED_OFFSET)
        );
    }

    /// @dev The period containing `timestamp` and what was issued in it, given the stored period.
    function _current(uint256 periodStart, uint256 issued, uint256 capPeriod, uint256 timestamp)
        private
        pure
        returns (uint256, uint256)
    {
        if (capPeriod == 0 || timestamp < periodStart + capPeriod) return (periodStart, issued);
        return (timestamp - (timestamp % capPeriod), 0);
    }
}
