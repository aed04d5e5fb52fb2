// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IReferralEscrow} from "./IReferralEscrow.sol";

/// @notice A referral packed in one storage word, laid out exactly as Solidity packs `IReferralEscrow.Referral`
/// (low bits first): partnerId 40 bits | tokenId 32 | status 8 | releaseTime 40 | commission 96 | refundedBps 16
/// (24 bits spare). Recording writes the word once; claiming, voiding, refunding and releasing read it once and
/// write it once. `commission` is the commission as recorded; what is still owed is `remainingCommission`.
type ReferralSlot is uint256;

using ReferralSlots for ReferralSlot global;

/// @title ReferralSlots
/// @notice Packing and field access for `ReferralSlot`.
library ReferralSlots {
    uint256 private constant TOKEN_OFFSET = 40;
    uint256 private constant STATUS_OFFSET = 72;
    uint256 private constant RELEASE_OFFSET = 80;
    uint256 private constant COMMISSION_OFFSET = 120;
    uint256 private constant REFUNDED_OFFSET = 216;
    uint256 private constant BPS = 10_000;
    uint256 private constant MASK_16 = type(uint16).max;
    uint256 private constant MASK_8 = type(uint8).max;
    uint256 private constant MASK_32 = type(uint32).max;
    uint256 private constant MASK_40 = type(uint40).max;
    uint256 private constant MASK_96 = type(uint96).max;

    /// @notice Packs a referral (its fields are range-checked by their types).
    function pack(IReferralEscrow.Referral memory referral) internal pure returns (ReferralSlot) {
        return ReferralSlot.wrap(
            uint256(referral.partnerId) | (uint256(referral.tokenId) << TOKEN_OFFSET)
                | (uint256(uint8(referral.status)) << STATUS_OFFSET)
                | (uint256(referral.releaseTime) << RELEASE_OFFSET) | (uint256(referral.commission) << COMMISSION_OFFSET)
                | (uint256(referral.refundedBps) << REFUNDED_OFFSET)
        );
    }

    /// @notice A pending referral's word without its partner and commission (filled in by
    /// `withPartnerAndCommission`): what every referral of one recording call shares. `releaseTime` must fit
    /// 40 bits.
    function pending(uint256 tokenId_, uint256 releaseTime_) internal pure returns (ReferralSlot) {
        return ReferralSlot.wrap(
            (tokenId_ << TOKEN_OFFSET) | (uint256(uint8(IReferralEscrow.ReferralStatus.Pending)) << STATUS_OFFSET)
                | (releaseTime_ << RELEASE_OFFSET)
        );
    }

    /// @notice A `pending` word with its partner and commission (which must fit 40 and 96 bits) filled in.
    function withPartnerAndCommission(ReferralSlot template, uint256 partnerId_, uint256 commission_)
        internal
        pure
        returns (ReferralSlot)
    {
        return ReferralSlot.wrap(ReferralSlot.unwrap(template) | partnerId_ | (commission_ << COMMISSION_OFFSET));
    }

    /// @notice The referral as the struct the views return.
    function unpack(ReferralSlot slot) internal pure returns (IReferralEscrow.Referral memory) {
        return IReferralEscrow.Referral({
            partnerId: uint40(partnerId(slot)),
            tokenId: uint32(tokenId(slot)),
            status: status(slot),
            releaseTime: uint40(releaseTime(slot)),
            commission: uint96(commission(slot)),
            refundedBps: uint16(refundedBps(slot))
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

    /// @notice The commission as recorded (before any refund).
    function commission(ReferralSlot slot) internal pure returns (uint256) {
        return (ReferralSlot.unwrap(slot) >> COMMISSION_OFFSET) & MASK_96;
    }

    /// @notice The part of the sale refunded so far, in basis points (10,000: all of it).
    function refundedBps(ReferralSlot slot) internal pure returns (uint256) {
        return (ReferralSlot.unwrap(slot) >> REFUNDED_OFFSET) & MASK_16;
    }

    /// @notice The commission still owed after the refunds so far: commission - floor(commission * refundedBps
    /// / 10,000), so that the parts voided by successive refunds add up to the whole at 10,000.
    function remainingCommission(ReferralSlot slot) internal pure returns (uint256 remaining) {
        uint256 word = ReferralSlot.unwrap(slot);
        remaining = (word >> COMMISSION_OFFSET) & MASK_96;
        // The bits above refundedBps are never set, so the shift alone isolates it.
        uint256 refunded = word >> REFUNDED_OFFSET;
        if (refunded != 0) {
            // remaining < 2**96 and refunded <= 10,000: no overflow, and the floor is at most remaining.
            unchecked {
                remaining -= remaining * refunded / BPS;
            }
        }
    }

    /// @notice The word with its refunded basis points replaced (`bps` must fit 16 bits).
    function withRefundedBps(ReferralSlot slot, uint256 bps) internal pure returns (ReferralSlot) {
        uint256 word = ReferralSlot.unwrap(slot) & ~(MASK_16 << REFUNDED_OFFSET);
        return ReferralSlot.wrap(word | (bps << REFUNDED_OFFSET));
    }

    /// @notice Whether the referral is pending, of partner `partnerId` and released at `timestamp`: claimable by
    /// that partner. One comparison of the partner and status bits, one of the release time.
    function isClaimableBy(ReferralSlot slot, uint256 partnerId_, uint256 timestamp) internal pure returns (bool) {
        uint256 word = ReferralSlot.unwrap(slot);
        uint256 pendingOf = partnerId_ | (uint256(uint8(IReferralEscrow.ReferralStatus.Pending)) << STATUS_OFFSET);
        return word & (MASK_40 | (MASK_8 << STATUS_OFFSET)) == pendingOf
            && (word >> RELEASE_OFFSET) & MASK_40 <= timestamp;
    }

    /// @notice A pending word marked Claimed (only for a Pending word: the status is raised by the difference).
    function claimed(ReferralSlot slot) internal pure returns (ReferralSlot) {
        uint256 raise = uint256(uint8(IReferralEscrow.ReferralStatus.Claimed) - uint8(IReferralEscrow.ReferralStatus.Pending));
        return ReferralSlot.wrap(ReferralSlot.unwrap(slot) + (raise << STATUS_OFFSET));
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
