// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

/// @title TokenPolicyWords
/// @notice The bit layout of RewardToken's `TokenPolicy` word, which every balance change reads whole, as
/// Solidity packs the struct (low bits first): paused 8 bits | transfersLocked 8 | supplyCap 128 |
/// expiryPeriod 32 | expiryStart 40 (40 bits spare).
library TokenPolicyWords {
    uint256 internal constant TRANSFERS_LOCKED_OFFSET = 8;
    uint256 internal constant SUPPLY_CAP_OFFSET = 16;
    uint256 internal constant EXPIRY_PERIOD_OFFSET = 144;
    uint256 internal constant EXPIRY_START_OFFSET = 176;
    /// @notice The bits below `expiryStart`: pause, transfer lock, supply cap and expiry period, all zero when
    /// no switch is on (`expiryStart` stays set after expiry is switched off). `(1 << EXPIRY_START_OFFSET) - 1`,
    /// written as a literal so that no use evaluates the subtraction (and its overflow check) at run time.
    uint256 internal constant SWITCHES_MASK = 0xffffffffffffffffffffffffffffffffffffffffffff;

    function paused(uint256 word) internal pure returns (bool) {
        return word & type(uint8).max != 0;
    }

    function transfersLocked(uint256 word) internal pure returns (bool) {
        return (word >> TRANSFERS_LOCKED_OFFSET) & type(uint8).max != 0;
    }

    function supplyCap(uint256 word) internal pure returns (uint256) {
        return (word >> SUPPLY_CAP_OFFSET) & type(uint128).max;
    }

    function expiryPeriod(uint256 word) internal pure returns (uint256) {
        return (word >> EXPIRY_PERIOD_OFFSET) & type(uint32).max;
    }

    function expiryStart(uint256 word) internal pure returns (uint256) {
        return (word >> EXPIRY_START_OFFSET) & type(uint40).max;
    }

    /// @notice Whether any switch is on; when none is, a balance change needs no other field.
    function anySwitchOn(uint256 word) internal pure returns (bool) {
        return word & SWITCHES_MASK != 0;
    }
}

/// @title RecordedOrderWords
/// @notice The bit layout of RewardToken's `RecordedOrder` word (one per order issued under a policy), read and
/// written whole, as Solidity packs the struct: points 88 bits | releaseTime 40 | released 8 |
/// clawbackAllowed 8 (112 bits spare).
library RecordedOrderWords {
    uint256 internal constant POINTS_MASK = type(uint88).max;
    uint256 internal constant RELEASE_TIME_OFFSET = 88;
    uint256 internal constant RELEASED_OFFSET = 128;
    uint256 internal constant CLAWBACK_ALLOWED_OFFSET = 136;

    function points(uint256 word) internal pure returns (uint256) {
        return word & POINTS_MASK;
    }

    function releaseTime(uint256 word) internal pure returns (uint256) {
        return (word >> RELEASE_TIME_OFFSET) & type(uint40).max;
    }

    function released(uint256 word) internal pure returns (bool) {
        return (word >> RELEASED_OFFSET) & type(uint8).max != 0;
    }

    function clawbackAllowed(uint256 word) internal pure returns (bool) {
        return (word >> CLAWBACK_ALLOWED_OFFSET) & type(uint8).max != 0;
    }

    /// @notice The word of a new record (`points_` must fit 88 bits and `releaseTime_` 40).
    function pack(uint256 points_, uint256 releaseTime_, bool released_, bool clawbackAllowed_)
        internal
        pure
        returns (uint256 word)
    {
        word = points_ | (releaseTime_ << RELEASE_TIME_OFFSET);
        if (released_) word |= 1 << RELEASED_OFFSET;
        if (clawbackAllowed_) word |= 1 << CLAWBACK_ALLOWED_OFFSET;
    }

    /// @notice The word with its points replaced (`points_` must fit 88 bits), everything else kept.
    function withPoints(uint256 word, uint256 points_) internal pure returns (uint256) {
        return (word & ~POINTS_MASK) | points_;
    }

    /// @notice The word marked released, everything else kept.
    function asReleased(uint256 word) internal pure returns (uint256) {
        return (word & ~(uint256(type(uint8).max) << RELEASED_OFFSET)) | (1 << RELEASED_OFFSET);
    }
}

/// @title StorefrontPolicyWords
/// @notice The bit layout of RewardToken's `StorefrontPolicy` word, read whole when a storefront with a policy
/// issues, as Solidity packs the struct: returnWindow 32 bits | clawbackAllowed 8 (216 bits spare).
library StorefrontPolicyWords {
    uint256 internal constant CLAWBACK_ALLOWED_OFFSET = 32;

    function returnWindow(uint256 word) internal pure returns (uint256) {
        return word & type(uint32).max;
    }

    function clawbackAllowed(uint256 word) internal pure returns (bool) {
        return (word >> CLAWBACK_ALLOWED_OFFSET) & type(uint8).max != 0;
    }
}
