// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ICommonErrors} from "../common/ICommonErrors.sol";

/// @title IReferralEscrow
/// @notice Referral commissions: partners register codes, storefronts fund budgets and record referred sales,
/// commissions wait in escrow through the storefront's return window, then partners claim them.
/// @dev A referral is keyed by (storefront, order number): each storefront order is recorded at most once.
/// Errors shared with the other contracts (`ZeroAddress`, `ZeroAmount`, `EmptyBatch`) come from `ICommonErrors`.
interface IReferralEscrow is ICommonErrors {
    /// @notice Where a referral is in its life. Released is not a status: a pending referral is released once
    /// its release time has passed (or the storefront released it early).
    enum ReferralStatus {
        None,
        Pending,
        Voided,
        Claimed
    }

    /// @notice One referral, in one storage slot.
    /// @param partnerId The partner the commission is for.
    /// @param tokenId The commission token, as numbered by the escrow (see `tokenById`).
    /// @param status Pending, Voided or Claimed.
    /// @param releaseTime When the commission can be claimed; before it, the storefront can void the referral.
    /// @param commission The commission as recorded, in token units (before any refund).
    /// @param refundedBps The part of the sale refunded so far, in basis points (10,000: all of it). The
    /// commission still owed is `commission - floor(commission * refundedBps / 10,000)`.
    struct Referral {
        uint40 partnerId;
        uint32 tokenId;
        ReferralStatus status;
        uint40 releaseTime;
        uint96 commission;
        uint16 refundedBps;
    }

    /// @notice A referred sale, as a storefront records it.
    /// @param orderId The storefront's order number.
    /// @param code The partner's referral code.
    /// @param saleAmount The sale, in token units (the base of a rate commission).
    /// @param buyer The shopper who bought: never the partner's owner or payout address (no self-referral).
    struct ReferredSale {
        uint256 orderId;
        bytes32 code;
        uint256 saleAmount;
        address buyer;
    }

    /// @notice A referral, named by its storefront and order number (for claims).
    struct ReferralKey {
        address storefront;
        uint256 orderId;
    }

    /// @notice A storefront's terms for one partner: a rate in basis points of the sale, or a fixed amount.
    struct PartnerTerms {
        uint16 rateBps;
        uint96 fixedCommission;
    }

    /// @notice A partner registered `code`, paid to `payout`.
    event PartnerRegistered(uint40 indexed partnerId, bytes32 indexed code, address owner, address payout);

    /// @notice The partner's payout address changed.
    event PayoutAddressChanged(uint40 indexed partnerId, address payout);

    /// @notice The storefront set (or changed) a partner's terms in its program.
    event PartnerEnrolled(address indexed storefront, uint40 indexed partnerId, uint16 rateBps, uint96 fixedCommission);

    /// @notice The storefront removed a partner from its program; recorded referrals are unaffected.
    event PartnerRemoved(address indexed storefront, uint40 indexed partnerId);

    /// @notice The storefront set its hold period (its return window).
    event HoldPeriodSet(address indexed storefront, uint32 holdPeriod);

    /// @notice The storefront capped each partner's referrals at `maxReferralsPerPeriod` per `period` seconds
    /// (periods aligned to multiples of their length, e.g. UTC days), or lifted the cap (both zero).
    event ReferralCapSet(address indexed storefront, uint32 maxReferralsPerPeriod, uint32 period);

    /// @notice The storefront stopped (or resumed) recording referrals; claims are never stopped by this.
    event ProgramPausedSet(address indexed storefront, bool paused);

    /// @notice `amount` (what arrived) was added to the storefront's budget in `token`.
    event BudgetFunded(address indexed storefront, address indexed token, address from, uint256 amount);

    /// @notice Unallocated budget was withdrawn.
    event BudgetWithdrawn(address indexed storefront, address indexed token, address to, uint256 amount);

    /// @notice A referred sale to `buyer` was recorded and its commission moved from the budget into escrow.
    /// @dev The partner's code is not repeated: a code belongs to one partner for good, announced by
    /// `PartnerRegistered`, and leaving it out saves every referral 256 gas.
    event ReferralRecorded(
        address indexed storefront,
        uint40 indexed partnerId,
        uint256 indexed orderId,
        address buyer,
        address token,
        uint256 saleAmount,
        uint256 commission,
        uint256 releaseTime
    );

    /// @notice The storefront voided a referral before its release (`voidReferral`): `commission`, all that
    /// remained of it after any partial refunds, went back to its budget. The referral is Voided.
    event ReferralVoided(address indexed storefront, uint256 indexed orderId, uint256 commission);

    /// @notice The storefront refunded part of a referred sale before its release (`refundReferral`):
    /// `commissionVoided` went back to its budget and `commissionRemaining` is still owed to the partner.
    /// `refundedBps` is the cumulative refunded part of the sale; at 10,000 the referral is Voided (and no
    /// `ReferralVoided` follows: each event's amount is exactly what went back to the budget).
    event ReferralRefunded(
        address indexed storefront,
        uint256 indexed orderId,
        uint16 refundedBps,
        uint256 commissionVoided,
        uint256 commissionRemaining
    );

    /// @notice The storefront released a referral before its hold period ended.
    event ReferralReleasedEarly(address indexed storefront, uint256 indexed orderId, uint256 releaseTime);

    /// @notice A partner was paid `amount` of `token` for the referrals in `referrals`, at its payout address
    /// of the moment (the latest `PartnerRegistered` or `PayoutAddressChanged`).
    event CommissionsClaimed(uint40 indexed partnerId, address indexed token, uint256 amount, ReferralKey[] referrals);

    /// @notice A partner was paid `amount` of `token` for its referrals of `storefront`'s orders `orderIds`, at
    /// its payout address of the moment.
    event CommissionsClaimedFrom(
        uint40 indexed partnerId, address indexed token, address indexed storefront, uint256 amount, uint256[] orderIds
    );

    /// @notice The books of a token registered by the first version were opened, owing `owed` (the escrow's
    /// balance of it then).
    event BooksOpened(address indexed token, uint256 owed);

    /// @notice The admin set the highest commission rate a storefront may offer.
    event MaxCommissionRateSet(uint16 maxRateBps);

    /// @notice The zero code.
    error InvalidCode();

    /// @notice The code belongs to partner `partnerId` already.
    error CodeTaken(bytes32 code, uint40 partnerId);

    /// @notice No partner has this code.
    error UnknownCode(bytes32 code);

    /// @notice No partner has this id.
    error UnknownPartner(uint40 partnerId);

    /// @notice Only the partner's owner may do this.
    error NotPartnerOwner(uint40 partnerId, address caller);

    /// @notice Terms must have exactly one of a rate or a fixed commission.
    error InvalidTerms(uint16 rateBps, uint96 fixedCommission);

    /// @notice The rate is above the admin's maximum.
    error RateAboveMaximum(uint16 rateBps, uint16 maxRateBps);

    /// @notice A maximum rate above 100%.
    error InvalidMaxRate(uint16 maxRateBps);

    /// @notice A hold period above `MAX_HOLD_PERIOD`.
    error HoldPeriodTooLong(uint32 holdPeriod, uint32 maxHoldPeriod);

    /// @notice The partner is not enrolled in the storefront's program.
    error PartnerNotEnrolled(address storefront, uint40 partnerId);

    /// @notice The storefront has paused its program.
    error ProgramPaused(address storefront);

    /// @notice The storefront's order was recorded already.
    error OrderAlreadyRecorded(address storefront, uint256 orderId);

    /// @notice The storefront has no referral for this order.
    error UnknownReferral(address storefront, uint256 orderId);

    /// @notice The referral is not pending (it was voided or claimed).
    error ReferralNotPending(address storefront, uint256 orderId, ReferralStatus status);

    /// @notice The referral was released already, so it can no longer be voided or released early.
    error ReferralAlreadyReleased(address storefront, uint256 orderId, uint256 releaseTime);

    /// @notice The referral is still in its hold period.
    error ReferralNotReleased(address storefront, uint256 orderId, uint256 releaseTime);

    /// @notice The referral is another partner's.
    error ReferralOfAnotherPartner(address storefront, uint256 orderId, uint40 partnerId);

    /// @notice The budget cannot cover `needed`.
    error InsufficientBudget(address storefront, address token, uint256 available, uint256 needed);

    /// @notice The commission does not fit 96 bits.
    error CommissionTooLarge(uint256 commission);

    /// @notice The sale amount is beyond any real sale (2**240 token units or more).
    error SaleAmountTooLarge(uint256 saleAmount);

    /// @notice What the escrow would owe in `token` (all budgets and escrowed commissions) would not fit 96 bits.
    error BooksTooLarge(address token, uint256 owed);

    /// @notice The escrow's balance of `token` is below what it owes in it: a deposit would pay others'
    /// obligations, and a withdrawal would take another storefront's money.
    error BooksNotCovered(address token, uint256 balance, uint256 owed);

    /// @notice The token was registered by the first version of the escrow and its books are not open yet
    /// (`openBooks`).
    error BooksNotOpen(uint32 tokenId);

    /// @notice The token is the zero address or has no code.
    error InvalidToken(address token);

    /// @notice The buyer is partner `partnerId`'s owner or payout address: a partner cannot refer itself.
    error SelfReferral(uint40 partnerId, address buyer);

    /// @notice A cap needs both a maximum and a period (or neither, to lift it).
    error InvalidReferralCap(uint32 maxReferralsPerPeriod, uint32 period);

    /// @notice The partner already has `cap` referrals in the storefront's period starting at `periodStart`.
    error ReferralCapExceeded(address storefront, uint40 partnerId, uint256 periodStart, uint256 cap);

    /// @notice A refund of `requestedBps` on top of the `refundedBps` refunded so far would exceed the sale.
    error RefundExceedsSale(address storefront, uint256 orderId, uint16 refundedBps, uint16 requestedBps);
}
