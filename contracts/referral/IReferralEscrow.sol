// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {ICommonErrors} from "../common/ICommonErrors.sol";

/// @title IReferralEscrow
/// @notice Referral commissions: partners register codes, storefronts fund budgets and record referred sales,
/// commissions wait in escrow through the storefront's return window, then partners claim them.
/// @dev A referral is keyed by (storefront, order number): each storefront order is recorded at most once.
/// Errors shared with the other contracts (`ZeroAddress`, `ZeroAmount`, `EmptyBatch`) come from `ICommonErrors`;
/// roles are OpenZeppelin's AccessControl (`IAccessControl`).
interface IReferralEscrow is IAccessControl, ICommonErrors {
    /// @notice Where a referral is in its life. Released is not a status: a pending referral is released once
    /// its release time has passed (or the storefront released it early).
    enum ReferralStatus {
        None,
        Pending,
        Voided,
        Claimed
    }

    /// @notice Why a claim batch passed over one of its referrals instead of paying it.
    /// @dev Each is a state another transaction can bring about between signing and inclusion (an earlier claim
    /// of the same referral, the storefront's void, a block earlier than expected), so a batch never reverts
    /// for it: the rest of the batch is still paid.
    enum ClaimSkipReason {
        AlreadyClaimed,
        Voided,
        NotReleased
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

    /// @notice Someone committed to registering a code (`commitCode`); the code and its owner stay hidden
    /// until `registerPartner` reveals them.
    event CodeCommitted(bytes32 indexed commitment);

    /// @notice The admin set how long a code commitment waits before it can be revealed.
    event CodeCommitmentDelaySet(uint32 delay);

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

    /// @notice A claim batch of partner `partnerId` passed over the storefront's order `orderId` for `reason`,
    /// paying the rest of the batch.
    event ClaimSkipped(
        uint40 indexed partnerId, address indexed storefront, uint256 indexed orderId, ClaimSkipReason reason
    );

    /// @notice The books of a token registered by the first version were opened, owing `owed` (the escrow's
    /// balance of it then).
    event BooksOpened(address indexed token, uint256 owed);

    /// @notice The admin set the highest commission rate a storefront may offer.
    event MaxCommissionRateSet(uint16 maxRateBps);

    /// @notice No commitment `commitment` was made (or it was used): commit first with `commitCode`.
    error UnknownCommitment(bytes32 commitment);

    /// @notice The commitment is younger than the commitment delay; it can be revealed from `revealableAt`.
    error CommitmentTooRecent(bytes32 commitment, uint256 revealableAt);

    /// @notice A commitment delay of zero (a reveal in the commitment's own block) or above one day.
    error InvalidCommitmentDelay(uint32 delay);

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

    // ─── Constants ──────────────────────────────────────────────────────────────────────────────────────

    /// @notice The role that pauses and unpauses the escrow.
    /// @return The role's identifier, keccak256("PAUSER_ROLE").
    function PAUSER_ROLE() external view returns (bytes32);

    /// @notice The role that upgrades the implementation.
    /// @return The role's identifier, keccak256("UPGRADER_ROLE").
    function UPGRADER_ROLE() external view returns (bytes32);

    /// @notice The longest hold period a storefront may set.
    /// @return The longest hold period, in seconds (365 days).
    function MAX_HOLD_PERIOD() external view returns (uint32);

    // ─── Setup ──────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Sets up the proxy: `admin` as admin, pauser and upgrader, and the highest rate storefronts may
    /// offer. Callable once. Reverts with `InvalidMaxRate` when `maxRateBps` is above 10,000.
    /// @param admin The account given the admin, pauser and upgrader roles.
    /// @param maxRateBps The highest commission rate storefronts may offer, in basis points.
    function initialize(address admin, uint16 maxRateBps) external;

    // ─── Partners ───────────────────────────────────────────────────────────────────────────────────────

    /// @notice Commits to registering a code, without revealing it: `commitment` is
    /// `keccak256(abi.encode(code, owner, salt))`, with the future owner's address and a secret salt. After the
    /// commitment delay (`codeCommitmentDelay`), the owner reveals it with `registerPartner`. Anyone may commit;
    /// committing a known commitment again keeps its first time, so no one can restart another's delay.
    /// @param commitment The hash of the code, its owner and a salt.
    function commitCode(bytes32 commitment) external;

    /// @notice Registers the committed `code` for the caller, who becomes the partner's owner, paid to `payout`.
    /// Codes are first come, first served, so registration is commit–reveal: the caller must have committed
    /// `keccak256(abi.encode(code, msg.sender, salt))` with `commitCode` at least `codeCommitmentDelay` seconds
    /// earlier. Whoever copies this transaction from the mempool holds no such commitment of its own and cannot
    /// make one old enough before it lands, so a published code cannot be squatted at registration. The
    /// commitment is used up. Reverts with `InvalidCode` for the zero code, `ZeroAddress` for a zero payout,
    /// `UnknownCommitment` without the commitment, `CommitmentTooRecent` before the delay has passed, and
    /// `CodeTaken` when the code is registered already.
    /// @param code The referral code (nonzero).
    /// @param payout Where the partner's commissions are paid.
    /// @param salt The secret the commitment was made with.
    /// @return partnerId The new partner's id (from 1).
    function registerPartner(bytes32 code, address payout, bytes32 salt) external returns (uint40 partnerId);

    /// @notice Changes where the partner's commissions are paid; only the partner's owner may. Reverts with
    /// `ZeroAddress` for a zero payout, `UnknownPartner` when no partner has the id, and `NotPartnerOwner` when
    /// the caller is not its owner.
    /// @param partnerId The partner.
    /// @param payout The new payout address.
    function setPayoutAddress(uint40 partnerId, address payout) external;

    // ─── Storefront programs ────────────────────────────────────────────────────────────────────────────

    /// @notice Enrols the partner with `code` in the caller's program, or changes its terms: a rate in basis
    /// points of the sale, or a fixed commission per sale (exactly one of them). The partner's referral count in
    /// the current cap period stays. Reverts with `InvalidTerms` unless exactly one of the two is set,
    /// `RateAboveMaximum` above the admin's maximum rate, and `UnknownCode` when no partner has the code.
    /// @param code The partner's referral code.
    /// @param rateBps The commission rate, in basis points of the sale (0 for a fixed commission).
    /// @param fixedCommission The commission per sale, in token units (0 for a rate).
    function enrolPartner(bytes32 code, uint16 rateBps, uint96 fixedCommission) external;

    /// @notice Removes the partner with `code` from the caller's program; recorded referrals are unaffected.
    /// Reverts with `UnknownCode` when no partner has the code.
    /// @param code The partner's referral code.
    function removePartner(bytes32 code) external;

    /// @notice Sets the caller's hold period (its return window) for referrals recorded from now on. Reverts
    /// with `HoldPeriodTooLong` above `MAX_HOLD_PERIOD`.
    /// @param holdPeriod The hold period, in seconds.
    function setHoldPeriod(uint32 holdPeriod) external;

    /// @notice Caps each partner's referrals in the caller's program at `maxReferralsPerPeriod` per `period`
    /// seconds, periods aligned to multiples of their length (86,400: UTC days); (0, 0) lifts the cap. Applies
    /// to referrals recorded from now on; a partner's count restarts when its period (or the period length)
    /// changes. Reverts with `InvalidReferralCap` when only one of the two is zero.
    /// @param maxReferralsPerPeriod The most referrals a partner may have in one period.
    /// @param period The period's length, in seconds.
    function setReferralCap(uint32 maxReferralsPerPeriod, uint32 period) external;

    /// @notice Stops (or resumes) recording referrals in the caller's program. Claims never stop.
    /// @param paused_ True to stop recording, false to resume.
    function setProgramPaused(bool paused_) external;

    // ─── Budgets ────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Adds to the caller's own budget in `token` (never a signer key's storefront's: budgets are the
    /// storefront's own calls) what arrives of `amount` (a token that takes a fee on
    /// transfer is credited the amount after its fee). The caller approves the escrow first. Reverts with
    /// `ZeroAmount` for a zero amount, `InvalidToken` when `token` has no code, `BooksNotOpen` for a token of
    /// the first version whose books are not open, `BooksNotCovered` when the escrow's balance of the token is
    /// already below what it owes in it, `BooksTooLarge` when what it owes would not fit 96 bits, and
    /// `EnforcedPause` while the escrow is paused.
    /// @param token The ERC-20 the budget is in.
    /// @param amount What the caller sends, in token units.
    function fundBudget(address token, uint256 amount) external;

    /// @notice Withdraws `amount` of the caller's own unallocated budget in `token` to `to` (a signer key never
    /// withdraws its storefront's). Reverts with
    /// `ZeroAmount` for a zero amount, `ZeroAddress` for a zero recipient, `InsufficientBudget` above the
    /// unallocated budget, `BooksNotOpen` for a token of the first version whose books are not open,
    /// `BooksNotCovered` when the escrow's balance afterwards would not cover what it owes in the token, and
    /// `EnforcedPause` while the escrow is paused.
    /// @param token The ERC-20 the budget is in.
    /// @param amount What to withdraw, in token units.
    /// @param to The recipient.
    function withdrawBudget(address token, uint256 amount, address to) external;

    // ─── Referrals ──────────────────────────────────────────────────────────────────────────────────────

    /// @notice Records a referred sale of the caller's (or, from a signer key, of its storefront's: see
    /// `IIssuerKeys`, and read "the caller" as that storefront below) to `buyer`: computes the partner's
    /// commission and moves it from the caller's `token` budget into escrow until the hold period ends. Reverts with `EnforcedPause`
    /// while the escrow is paused, `ProgramPaused` while the caller's program is, `InvalidToken` when the caller
    /// has no budget in `token`, `ZeroAddress` for a zero buyer, `UnknownCode` when no partner has the code,
    /// `SelfReferral` when `buyer` is the partner's owner or payout address, `SaleAmountTooLarge` for a sale of
    /// 2**240 or more, `PartnerNotEnrolled` when the partner is not in the caller's program, `CommissionTooLarge`
    /// when the commission does not fit 96 bits, `ReferralCapExceeded` when the partner has reached the
    /// program's cap for the period, `OrderAlreadyRecorded` when the order was recorded already, and
    /// `InsufficientBudget` when the budget cannot cover the commission.
    /// @param orderId The caller's order number.
    /// @param code The partner's referral code.
    /// @param saleAmount The sale, in token units (the base of a rate commission).
    /// @param token The ERC-20 the commission is paid in, from the caller's budget in it.
    /// @param buyer The shopper who bought.
    function recordReferral(uint256 orderId, bytes32 code, uint256 saleAmount, address token, address buyer)
        external;

    /// @notice Records many referred sales of the caller's (or its storefront's, from a signer key), all paid in
    /// `token`; any failure reverts the batch.
    /// Reverts with `EmptyBatch` for no sales, and otherwise as `recordReferral` does for any sale (the budget
    /// must cover the batch's total).
    /// @param token The ERC-20 the commissions are paid in, from the caller's budget in it.
    /// @param sales The referred sales.
    function recordReferrals(address token, ReferredSale[] calldata sales) external;

    /// @notice Voids a referral of the caller's (or, from a signer key without a referral of that order of its
    /// own, of its storefront's) within its hold period (a full refund or return): all that
    /// remains of the commission after any partial refunds goes back to the caller's budget; the referral
    /// becomes Voided with 10,000 refunded basis points. Works while the escrow is paused: hold periods keep
    /// running under a pause, and a refund that arrives during one must still void the commission. Reverts with
    /// `UnknownReferral` when the caller has no referral for the order, `ReferralNotPending` when it was voided
    /// or claimed, and `ReferralAlreadyReleased` once its release time has passed.
    /// @param orderId The caller's order number.
    function voidReferral(uint256 orderId) external;

    /// @notice Records a partial refund of a referred sale of the caller's (or, as for `voidReferral`, its
    /// storefront's) within its hold period: `refundBps`
    /// more of the sale (basis points) was refunded, so that part of the commission goes back to the caller's
    /// budget. The commission voided is floor(commission * newCumulative / 10,000) - floor(commission *
    /// oldCumulative / 10,000), so refunds adding up to 10,000 void exactly the whole commission; at 10,000 the
    /// referral becomes Voided. Works while the escrow is paused, like `voidReferral`. Reverts with `ZeroAmount`
    /// for a zero refund, `RefundExceedsSale` when the refunds would add up to more than 10,000, and as
    /// `voidReferral` does for an unknown, settled or released referral.
    /// @param orderId The caller's order number.
    /// @param refundBps The part of the sale refunded now, in basis points.
    function refundReferral(uint256 orderId, uint16 refundBps) external;

    /// @notice Releases a referral of the caller's (or, as for `voidReferral`, its storefront's) before its hold
    /// period ends (the sale is verified). Reverts
    /// with `EnforcedPause` while the escrow is paused, and as `voidReferral` does for an unknown, settled or
    /// released referral.
    /// @param orderId The caller's order number.
    function releaseEarly(uint256 orderId) external;

    /// @notice Pays partner `partnerId` the released commissions of `keys` at its payout address, one transfer
    /// per run of referrals in the same token. Only the partner's owner may: whoever holds an old payout key
    /// could otherwise sweep released commissions to that address just before the owner's change of address.
    /// A referral already claimed, voided or not yet released is passed over with `ClaimSkipped` (it ends the
    /// current run), so that no other transaction landing first can revert the batch; the events of the runs
    /// name only the referrals paid. Reverts with `EnforcedPause` while the escrow is paused, `EmptyBatch` for no
    /// keys, `NotPartnerOwner` when the caller is not the partner's owner, `UnknownReferral` or
    /// `ReferralOfAnotherPartner` for a key that names no referral of the partner's (a mistake of the caller's,
    /// which no one else can cause), and `BooksNotOpen` for a token of the first version whose books are not
    /// open.
    /// @param partnerId The partner.
    /// @param keys The referrals to claim, by storefront and order number.
    function claim(uint40 partnerId, ReferralKey[] calldata keys) external;

    /// @notice Like `claim` for referrals of one storefront: the common case, with half the calldata and log
    /// data per referral. Reverts as `claim` does.
    /// @param partnerId The partner.
    /// @param storefront The storefront whose orders these are.
    /// @param orderIds The storefront's order numbers.
    function claimFrom(uint40 partnerId, address storefront, uint256[] calldata orderIds) external;

    // ─── Admin ──────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Opens the books of tokens registered by the first version of the escrow, which kept none: each
    /// starts owing the escrow's balance of it (any surplus then stays owed, never withdrawable). Tokens whose
    /// books are open already are skipped, so the admin can never rewrite books. Run in the upgrade's call.
    /// Only the admin may (`AccessControlUnauthorizedAccount` otherwise). Reverts with `BooksTooLarge` when a
    /// balance does not fit 96 bits.
    /// @param tokenIds The escrow's numbers of the tokens.
    function openBooks(uint32[] calldata tokenIds) external;

    /// @notice Sets the highest rate (basis points) that storefronts may offer from now on. Only the admin may
    /// (`AccessControlUnauthorizedAccount` otherwise). Reverts with `InvalidMaxRate` above 10,000.
    /// @param maxRateBps The highest rate, in basis points.
    function setMaxCommissionRate(uint16 maxRateBps) external;

    /// @notice Sets how long a code commitment waits before it can be revealed, in seconds (60 until set). It
    /// must outlast the time a registration can wait unmined, so that a copier cannot commit and reveal before
    /// it lands; a development chain may use 1 (the next block). Only the admin may
    /// (`AccessControlUnauthorizedAccount` otherwise). Reverts with `InvalidCommitmentDelay` for 0 or above one
    /// day.
    /// @param delay The delay in seconds, from 1 to 86,400.
    function setCodeCommitmentDelay(uint32 delay) external;

    /// @notice Stops funding, withdrawing, recording, releasing early and claiming: no funds leave the escrow.
    /// Voids and refunds go on, so that a storefront never loses its return window to a pause. Only a pauser
    /// may (`AccessControlUnauthorizedAccount` otherwise); reverts with `EnforcedPause` when already paused.
    function pause() external;

    /// @notice Resumes everything `pause` stopped. Only a pauser may (`AccessControlUnauthorizedAccount`
    /// otherwise); reverts with `ExpectedPause` when not paused.
    function unpause() external;

    // ─── Views ──────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Whether the escrow is paused (see `pause`).
    /// @return True while paused.
    function paused() external view returns (bool);

    /// @notice The referral for the storefront's order.
    /// @param storefront The storefront.
    /// @param orderId The storefront's order number.
    /// @return The referral (status None when there is none).
    function referralOf(address storefront, uint256 orderId) external view returns (Referral memory);

    /// @notice Whether the referral is pending and past its release time, so its partner can claim it.
    /// @param storefront The storefront.
    /// @param orderId The storefront's order number.
    /// @return True when the referral can be claimed now.
    function isClaimable(address storefront, uint256 orderId) external view returns (bool);

    /// @notice The storefront's unallocated budget in `token`.
    /// @param storefront The storefront.
    /// @param token The ERC-20.
    /// @return The budget not yet moved into escrow, in token units.
    function budgetOf(address storefront, address token) external view returns (uint256);

    /// @notice The partner's owner and payout address.
    /// @param partnerId The partner.
    /// @return owner The partner's owner (zero for an unknown partner).
    /// @return payout Where its commissions are paid (zero for an unknown partner).
    function partnerOf(uint40 partnerId) external view returns (address owner, address payout);

    /// @notice The id of the partner with `code`.
    /// @param code The referral code.
    /// @return The partner's id (0: none).
    function partnerIdOf(bytes32 code) external view returns (uint40);

    /// @notice The storefront's terms for the partner.
    /// @param storefront The storefront.
    /// @param partnerId The partner.
    /// @return The terms (both zero: not enrolled).
    function termsOf(address storefront, uint40 partnerId) external view returns (PartnerTerms memory);

    /// @notice The partner's referrals in the storefront's current cap period.
    /// @param storefront The storefront.
    /// @param partnerId The partner.
    /// @return periodStart When the current cap period started (zero while the storefront has no cap).
    /// @return count The partner's referrals in it (zero while the storefront has no cap).
    function referralsInPeriodOf(address storefront, uint40 partnerId)
        external
        view
        returns (uint256 periodStart, uint256 count);

    /// @notice The storefront's program settings.
    /// @param storefront The storefront.
    /// @return holdPeriod Its hold period, in seconds.
    /// @return programPaused Whether it stopped recording referrals.
    /// @return maxReferralsPerPeriod Its per-partner referral cap per period (zero: no cap).
    /// @return capPeriod The cap period's length, in seconds (zero: no cap).
    function programOf(address storefront)
        external
        view
        returns (uint32 holdPeriod, bool programPaused, uint32 maxReferralsPerPeriod, uint32 capPeriod);

    /// @notice The token numbered `tokenId` in referrals.
    /// @param tokenId The escrow's number of the token.
    /// @return The token's address (zero: none).
    function tokenById(uint32 tokenId) external view returns (address);

    /// @notice What the escrow owes in `token`: every storefront's budget plus every escrowed commission. Its
    /// balance of the token covers it; a withdrawal that would leave less reverts (`BooksNotCovered`).
    /// @param token The ERC-20.
    /// @return The amount owed, in token units.
    function owedIn(address token) external view returns (uint256);

    /// @notice The highest rate storefronts may offer.
    /// @return The rate, in basis points.
    function maxCommissionRate() external view returns (uint16);

    /// @notice How long a code commitment waits before `registerPartner` can reveal it, in seconds.
    /// @return The delay in seconds.
    function codeCommitmentDelay() external view returns (uint32);
}
