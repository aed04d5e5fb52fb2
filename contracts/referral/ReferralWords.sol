// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title EnrolmentWords
/// @notice The bit layout of ReferralEscrow's `Enrolment` word, read and written whole by recording, as Solidity
/// packs the struct (low bits first): rateBps 16 bits | fixedCommission 96 | periodStart 40 | periodCount 32
/// (72 bits spare).
library EnrolmentWords {
    uint256 internal constant FIXED_COMMISSION_OFFSET = 16;
    uint256 internal constant PERIOD_START_OFFSET = 112;
    uint256 internal constant PERIOD_COUNT_OFFSET = 152;
    /// @notice The bits of the terms (rate and fixed commission), below the period counter.
    uint256 internal constant TERMS_MASK = (1 << PERIOD_START_OFFSET) - 1;

    function rateBps(uint256 word) internal pure returns (uint256) {
        return word & type(uint16).max;
    }

    function fixedCommission(uint256 word) internal pure returns (uint256) {
        return (word >> FIXED_COMMISSION_OFFSET) & type(uint96).max;
    }

    function periodStart(uint256 word) internal pure returns (uint256) {
        return (word >> PERIOD_START_OFFSET) & type(uint40).max;
    }

    function periodCount(uint256 word) internal pure returns (uint256) {
        return (word >> PERIOD_COUNT_OFFSET) & type(uint32).max;
    }

    /// @notice The word with the same terms and the period counter replaced (`start` must fit 40 bits and
    /// `count` 32; bits above the counter are dropped, as the struct has none there).
    function withPeriod(uint256 word, uint256 start, uint256 count) internal pure returns (uint256) {
        return (word & TERMS_MASK) | (start << PERIOD_START_OFFSET) | (count << PERIOD_COUNT_OFFSET);
    }
}

/// @title CodeEntryWords
/// @notice The bit layout of ReferralEscrow's `CodeEntry` word, which recording's self-referral check reads
/// whole, as Solidity packs the struct: partnerId 40 bits | owner 160 | payoutTag 56.
library CodeEntryWords {
    uint256 internal constant OWNER_OFFSET = 40;
    uint256 internal constant PAYOUT_TAG_OFFSET = 200;

    function partnerId(uint256 word) internal pure returns (uint40) {
        return uint40(word);
    }

    function owner(uint256 word) internal pure returns (address) {
        return address(uint160(word >> OWNER_OFFSET));
    }

    /// @notice The low 56 bits of the payout address.
    function payoutTag(uint256 word) internal pure returns (uint56) {
        return uint56(word >> PAYOUT_TAG_OFFSET);
    }

    /// @notice The tag of `account`: its low 56 bits, as the word keeps them.
    function tagOf(address account) internal pure returns (uint56) {
        return uint56(uint160(account));
    }
}
