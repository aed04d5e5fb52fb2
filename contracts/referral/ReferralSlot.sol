// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IReferralEscrow} from "./IReferralEscrow.sol";

/// @notice A referral packed in one storage word, laid out exactly as Solidity packs `IReferralEscrow.Referral`
/// (low bits first): partnerId 40 bits | tokenId 32 | status 8 | releaseTime 40 | commission 96. Recording
/// writes the word once; claiming, voiding and releasing read it once and write it once.
type ReferralSlot is uint256;

using ReferralSlots for ReferralSlot global;

/// @title ReferralSlots
/// @notice Packing and field access for `ReferralSlot`.
library ReferralSlots {
    uint256 private constant TOKEN_OFFSET = 40;
    uint256 private constant STATUS_OFFSET = 72;
    uint256 private constant RELEASE_OFFSET = 80;
    uint256 private constant COMMISSION_OFFSET = 120;
    uint256 private constant MASK_8 = type(uint8).max;
    uint256 private constant MASK_32 = type(uint32).max;
    uint256 private constant MASK_40 = type(uint40).max;

    /// @notice Packs a referral (its fields are range-checked by their types).
    function pack(IReferralEscrow.Referral memory referral) internal pure returns (ReferralSlot) {
        return ReferralSlot.wrap(
            uint256(referral.partnerId) | (uint256(referral.tokenId) << TOKEN_OFFSET)
                | (uint256(uint8(referral.status)) << STATUS_OFFSET)
                | (uint256(referral.releaseTime) << RELEASE_OFFSET) | (uint256(referral.commission) << COMMISSION_OFFSET)
        );
    }

    /// @notice The referral as the struct the views return.
    function unpack(ReferralSlot slot) internal pure returns (IReferralEscrow.Referral memory) {
        return IReferralEscrow.Referral({
            partnerId: uint40(partnerId(slot)),
            tokenId: uint32(tokenId(slot)),
            status: status(slot),
            releaseTime: uint40(releaseTime(slot)),
            commission: uint96(commission(slot))
        });
    }

    function partnerId(ReferralSlot slot) internal pure returns (uint256) {
        return ReferralSlot.unwrap(slot) & MASK_40;
    }

    function tokenId(ReferralSlot slot) internal pure returns (uint256) {
        return (ReferralSlot.unwrap(slot) >> TOKEN_OFFSET) & MASK_32;
    }

    function status(ReferralSlot slot) internal pure returns (IReferralEscrow.ReferralStatus) {
        // Only ever written from the enum, so always a valid member.
        return IReferralEscrow.ReferralStatus((ReferralSlot.unwrap(slot) >> STATUS_OFFSET) & MASK_8);
    }

    function releaseTime(ReferralSlot slot) internal pure returns (uint256) {
        return (ReferralSlot.unwrap(slot) >> RELEASE_OFFSET) & MASK_40;
    }

    function commission(ReferralSlot slot) internal pure returns (uint256) {
        return ReferralSlot.unwrap(slot) >> COMMISSION_OFFSET;
    }

    /// @notice The word with its status replaced.
    function withStatus(ReferralSlot slot, IReferralEscrow.ReferralStatus newStatus)
        internal
        pure
        returns (ReferralSlot)
    {
        uint256 word = ReferralSlot.unwrap(slot) & ~(MASK_8 << STATUS_OFFSET);
        return ReferralSlot.wrap(word | (uint256(uint8(newStatus)) << STATUS_OFFSET));
    }

    /// @notice The word with its release time replaced (`time` must fit 40 bits).
    function withReleaseTime(ReferralSlot slot, uint256 time) internal pure returns (ReferralSlot) {
        uint256 word = ReferralSlot.unwrap(slot) & ~(MASK_40 << RELEASE_OFFSET);
        return ReferralSlot.wrap(word | (time << RELEASE_OFFSET));
    }
}
