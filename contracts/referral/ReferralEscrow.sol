// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IIssuerKeys} from "../reward/IIssuerKeys.sol";
import {IReferralEscrow} from "./IReferralEscrow.sol";
import {ReferralSlot, ReferralSlots} from "./ReferralSlot.sol";
import {CodeEntryWords, EnrolmentWords} from "./ReferralWords.sol";

/// @title ReferralEscrow
/// @notice Referral commissions held in escrow. Partners register a code and a payout address; a storefront
/// enrols partners with a rate or a fixed commission, funds a budget in any ERC-20, and records referred
/// sales, each naming its buyer. Each commission moves from the budget into escrow and is released after the
/// storefront's hold period (its return window); until then the storefront can refund part of the sale (voiding
/// that part of the commission, pro rata), void it, or release it early. Partners claim what remains of
/// released commissions to their payout address. Program policies against referral fraud: a partner's own owner
/// or payout address can never be the buyer (self-referral), and a storefront may cap each partner's referrals
/// per period. Behind a UUPS proxy.
/// @dev Funds: a storefront withdraws only its unallocated budget; nothing the admin or a storefront can do
/// takes an escrowed commission, except the storefront's refunds and voids within the hold period. There is no
/// sweep.
/// Fee-on-transfer tokens are credited by what arrived (balance difference); rebasing tokens are unsupported.
/// Storefronts need no permission: a program only ever spends its own budget.
/// Signer keys (IIssuerKeys) record, refund, void and release early for the storefront that authorised them: a
/// flag in the key's own program word, which recording reads anyway, says so, and voids, refunds and early
/// releases look the key up only when the caller has no referral of that order of its own. Budgets and program
/// terms stay the storefront's own calls.
contract ReferralEscrow is
    IReferralEscrow,
    IIssuerKeys,
    AccessControlUpgradeable,
    PausableUpgradeable,
    ReentrancyGuardTransient,
    UUPSUpgradeable
{
    using SafeERC20 for IERC20;

    /// @inheritdoc IReferralEscrow
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @inheritdoc IReferralEscrow
    bytes32 public constant UPGRADER_ROLE = keccak256("UPGRADER_ROLE");
    /// @inheritdoc IReferralEscrow
    uint32 public constant MAX_HOLD_PERIOD = 365 days;

    uint256 private constant BPS = 10_000;
    /// @dev The commitment delay until the admin sets one, and the longest it may set.
    uint32 private constant DEFAULT_CODE_COMMITMENT_DELAY = 1 minutes;
    uint32 private constant MAX_CODE_COMMITMENT_DELAY = 1 days;

    /// @dev A partner: its code (the key of its `CodeEntry`, which holds its owner). `payout` is where the first
    /// version kept the payout address; partners registered since keep it in `payouts`, keyed by their owner, and
    /// a partner of the first version moves there with its owner's next `setPayoutAddress`.
    struct Partner {
        address payout;
        bytes32 code;
    }

    /// @dev A code's partner, its owner and the low 56 bits of its payout address, in one slot: recording's
    /// self-referral check reads only this slot, and reads the full payout address only when a buyer's low bits
    /// match (a buyer that is the payout address, or one in 2**56 others), so the check stays exact. Read as a
    /// word through `CodeEntryWords`, whose layout `ReferralWords.t.sol` checks against this struct.
    struct CodeEntry {
        uint40 partnerId;
        address owner;
        uint56 payoutTag;
    }

    /// @dev A storefront's program: read once per recording call (or batch). `isIssuerKey` marks an account that
    /// acts for the storefront in `keyStorefronts` (its own terms are then unused); `issuerKeys` counts a
    /// storefront's keys, so that a storefront with keys never becomes a key itself.
    struct Program {
        uint32 holdPeriod;
        bool paused;
        uint32 maxReferralsPerPeriod;
        uint32 capPeriod;
        bool isIssuerKey;
        uint32 issuerKeys;
    }

    /// @dev A storefront's terms for a partner and, next to them, the partner's referrals in the storefront's
    /// current cap period (counted only while a cap is set): recording reads the slot anyway. Recording reads
    /// and writes it as one word through `EnrolmentWords`, whose layout `ReferralWords.t.sol` checks against
    /// this struct.
    struct Enrolment {
        uint16 rateBps;
        uint96 fixedCommission;
        uint40 periodStart;
        uint32 periodCount;
    }

    /// @dev What every referral of one recording call shares: its referral word before the partner and commission
    /// are filled in (token id, Pending, release time), the storefront it records for (the caller, or the one the
    /// caller is a signer key of), its token, and the program's cap with the current period's start (cap 0: no
    /// cap), the release time (for the events), and the storage slots of the storefront's referral and enrolment
    /// mappings (so each referral hashes one key, not two).
    struct RecordContext {
        ReferralSlot template;
        address storefront;
        address token;
        uint256 releaseTime;
        uint256 cap;
        uint256 periodStart;
        uint256 referralsSlot;
        uint256 enrolmentsSlot;
    }

    struct Budget {
        uint32 tokenId;
        uint224 available;
    }

    /// @dev A token's books: its address and what the escrow owes in it (every budget plus every escrowed
    /// commission), in one slot, so that a claim, which reads the address anyway, updates the books with no
    /// further cold read. Owed amounts fit 96 bits, like commissions.
    struct TokenBooks {
        address token;
        uint96 owed;
    }

    /// @custom:storage-location erc7201:dcrm.storage.ReferralEscrow
    struct ReferralEscrowStorage {
        uint40 partnerCount;
        uint32 tokenCount;
        uint16 maxRateBps;
        mapping(bytes32 code => CodeEntry) codes;
        mapping(uint40 partnerId => Partner) partners;
        mapping(address storefront => Program) programs;
        mapping(address storefront => mapping(uint40 partnerId => Enrolment)) enrolments;
        mapping(address storefront => mapping(address token => Budget)) budgets;
        mapping(address token => uint32 tokenId) tokenIds;
        mapping(uint32 tokenId => address token) tokens; // The first version's; since, `books` holds the address.
        mapping(address storefront => mapping(uint256 orderId => ReferralSlot)) referrals;
        mapping(address owner => mapping(uint40 partnerId => address payout)) payouts;
        mapping(uint32 tokenId => TokenBooks) books;
        mapping(bytes32 commitment => uint256 committedAt) commitments;
        uint32 codeCommitmentDelay; // 0: DEFAULT_CODE_COMMITMENT_DELAY.
        mapping(address key => address storefront) keyStorefronts;
    }

    // keccak256(abi.encode(uint256(keccak256("dcrm.storage.ReferralEscrow")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant REFERRAL_ESCROW_STORAGE =
        0xd3513285aff031fdaf625e19377e13d81dbd9cd96f1fa54f13a43458477c2800;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @inheritdoc IReferralEscrow
    function initialize(address admin, uint16 maxRateBps) external initializer {
        __AccessControl_init();
        __Pausable_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
        _grantRole(UPGRADER_ROLE, admin);
        _setMaxCommissionRate(maxRateBps);
    }

    // ─── Partners ───────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IReferralEscrow
    function commitCode(bytes32 commitment) external {
        mapping(bytes32 => uint256) storage commitments = _getReferralEscrowStorage().commitments;
        if (commitments[commitment] != 0) return;
        commitments[commitment] = block.timestamp;
        emit CodeCommitted(commitment);
    }

    /// @inheritdoc IReferralEscrow
    function registerPartner(bytes32 code, address payout, bytes32 salt) external returns (uint40 partnerId) {
        if (code == bytes32(0)) revert InvalidCode();
        if (payout == address(0)) revert ZeroAddress();
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        _useCommitment($, keccak256(abi.encode(code, msg.sender, salt)));
        uint40 holder = $.codes[code].partnerId;
        if (holder != 0) revert CodeTaken(code, holder);
        partnerId = ++$.partnerCount;
        $.codes[code] = CodeEntry({partnerId: partnerId, owner: msg.sender, payoutTag: CodeEntryWords.tagOf(payout)});
        $.partners[partnerId].code = code;
        $.payouts[msg.sender][partnerId] = payout;
        emit PartnerRegistered(partnerId, code, msg.sender, payout);
    }

    /// @inheritdoc IReferralEscrow
    function setPayoutAddress(uint40 partnerId, address payout) external {
        if (payout == address(0)) revert ZeroAddress();
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        Partner storage partner = $.partners[partnerId];
        bytes32 code = partner.code;
        if (code == bytes32(0)) revert UnknownPartner(partnerId);
        CodeEntry storage entry = $.codes[code];
        if (entry.owner != msg.sender) revert NotPartnerOwner(partnerId, msg.sender);
        $.payouts[msg.sender][partnerId] = payout;
        entry.payoutTag = CodeEntryWords.tagOf(payout);
        emit PayoutAddressChanged(partnerId, payout);
    }

    // ─── Storefront programs ────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IReferralEscrow
    function enrolPartner(bytes32 code, uint16 rateBps, uint96 fixedCommission) external {
        if ((rateBps == 0) == (fixedCommission == 0)) revert InvalidTerms(rateBps, fixedCommission);
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        if (rateBps > $.maxRateBps) revert RateAboveMaximum(rateBps, $.maxRateBps);
        uint40 partnerId = _partnerIdOf(code);
        // The period counter stays: changing terms does not reset a partner's referrals in the period.
        Enrolment storage enrolment = $.enrolments[msg.sender][partnerId];
        (enrolment.rateBps, enrolment.fixedCommission) = (rateBps, fixedCommission);
        emit PartnerEnrolled(msg.sender, partnerId, rateBps, fixedCommission);
    }

    /// @inheritdoc IReferralEscrow
    function removePartner(bytes32 code) external {
        uint40 partnerId = _partnerIdOf(code);
        delete _getReferralEscrowStorage().enrolments[msg.sender][partnerId];
        emit PartnerRemoved(msg.sender, partnerId);
    }

    /// @inheritdoc IReferralEscrow
    function setHoldPeriod(uint32 holdPeriod) external {
        if (holdPeriod > MAX_HOLD_PERIOD) revert HoldPeriodTooLong(holdPeriod, MAX_HOLD_PERIOD);
        _getReferralEscrowStorage().programs[msg.sender].holdPeriod = holdPeriod;
        emit HoldPeriodSet(msg.sender, holdPeriod);
    }

    /// @inheritdoc IReferralEscrow
    function setReferralCap(uint32 maxReferralsPerPeriod, uint32 period) external {
        if ((maxReferralsPerPeriod == 0) != (period == 0)) revert InvalidReferralCap(maxReferralsPerPeriod, period);
        Program storage program = _getReferralEscrowStorage().programs[msg.sender];
        (program.maxReferralsPerPeriod, program.capPeriod) = (maxReferralsPerPeriod, period);
        emit ReferralCapSet(msg.sender, maxReferralsPerPeriod, period);
    }

    /// @inheritdoc IReferralEscrow
    function setProgramPaused(bool paused_) external {
        _getReferralEscrowStorage().programs[msg.sender].paused = paused_;
        emit ProgramPausedSet(msg.sender, paused_);
    }

    // ─── Signer keys ────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IIssuerKeys
    /// @dev Any account is a storefront here: no role is needed. A key records, refunds, voids and releases early
    /// for the caller; funding and withdrawing budget, enrolling partners and setting the program's terms stay
    /// the storefront's own calls (money and terms are the owner's decision), and a key making them makes them
    /// for its own account. Also reverts `AccountIsIssuerKey` when the caller is itself a key, and
    /// `IssuerKeyIsStorefront` when the key is the caller or has keys of its own.
    function setIssuerKey(address key, bool authorised) external {
        if (key == address(0)) revert ZeroAddress();
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        Program storage program = $.programs[msg.sender];
        if (program.isIssuerKey) revert AccountIsIssuerKey(msg.sender, $.keyStorefronts[msg.sender]);
        address current = $.keyStorefronts[key];
        Program storage keyProgram = $.programs[key];
        if (!authorised) {
            if (current != msg.sender) revert NotIssuerKeyOf(key, msg.sender);
            --program.issuerKeys;
        } else {
            if (current == msg.sender) return;
            if (current != address(0)) revert IssuerKeyOfAnotherStorefront(key, current);
            if (key == msg.sender || keyProgram.issuerKeys != 0) revert IssuerKeyIsStorefront(key);
            ++program.issuerKeys;
        }
        $.keyStorefronts[key] = authorised ? msg.sender : address(0);
        keyProgram.isIssuerKey = authorised;
        emit IssuerKeySet(msg.sender, key, authorised);
    }

    // ─── Budgets ────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IReferralEscrow
    function fundBudget(address token, uint256 amount) external whenNotPaused nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (token.code.length == 0) revert InvalidToken(token);
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        Budget storage budget = $.budgets[msg.sender][token];
        uint32 tokenId = budget.tokenId;
        if (tokenId == 0) budget.tokenId = tokenId = _registerToken(token);
        TokenBooks storage books = _openBooks($, tokenId);
        uint256 balanceBefore = IERC20(token).balanceOf(address(this));
        uint256 owed = books.owed;
        // A deposit into a token whose balance fell below the books would pay others' obligations.
        if (balanceBefore < owed) revert BooksNotCovered(token, balanceBefore, owed);
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = IERC20(token).balanceOf(address(this)) - balanceBefore;
        owed += received;
        if (owed > type(uint96).max) revert BooksTooLarge(token, owed);
        // The budget is part of the books, so it is bounded too.
        books.owed = uint96(owed);
        budget.available += uint224(received);
        emit BudgetFunded(msg.sender, token, msg.sender, received);
    }

    /// @inheritdoc IReferralEscrow
    function withdrawBudget(address token, uint256 amount, address to) external whenNotPaused nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroAddress();
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        Budget storage budget = $.budgets[msg.sender][token];
        uint256 available = budget.available;
        if (amount > available) revert InsufficientBudget(msg.sender, token, available, amount);
        // amount <= available, a uint224.
        budget.available = uint224(available - amount);
        TokenBooks storage books = _openBooks($, budget.tokenId);
        // The budget is part of the books: amount <= available <= owed.
        uint256 owed = books.owed - amount;
        books.owed = uint96(owed);
        IERC20(token).safeTransfer(to, amount);
        // What remains must still cover the books: otherwise this withdrawal took another storefront's money.
        uint256 balance = IERC20(token).balanceOf(address(this));
        if (balance < owed) revert BooksNotCovered(token, balance, owed);
        emit BudgetWithdrawn(msg.sender, token, to, amount);
    }

    // ─── Referrals ──────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IReferralEscrow
    function recordReferral(uint256 orderId, bytes32 code, uint256 saleAmount, address token, address buyer)
        external
        whenNotPaused
    {
        RecordContext memory context = _openProgram(token);
        Budget storage budget = _getReferralEscrowStorage().budgets[context.storefront][token];
        (uint32 tokenId, uint256 available) = (budget.tokenId, budget.available);
        if (tokenId == 0) revert InvalidToken(token);
        context.template = ReferralSlots.pending(tokenId, context.releaseTime);
        uint256 commission = _record(context, orderId, code, saleAmount, buyer);
        if (commission > available) revert InsufficientBudget(context.storefront, token, available, commission);
        // commission <= available, a uint224.
        budget.available = uint224(available - commission);
    }

    /// @inheritdoc IReferralEscrow
    function recordReferrals(address token, ReferredSale[] calldata sales) external whenNotPaused {
        if (sales.length == 0) revert EmptyBatch();
        RecordContext memory context = _openProgram(token);
        Budget storage budget = _getReferralEscrowStorage().budgets[context.storefront][token];
        (uint32 tokenId, uint256 available) = (budget.tokenId, budget.available);
        if (tokenId == 0) revert InvalidToken(token);
        context.template = ReferralSlots.pending(tokenId, context.releaseTime);
        uint256 total;
        for (uint256 i; i < sales.length; ++i) {
            ReferredSale calldata sale = sales[i];
            // Each commission is below 2**96: the sum cannot overflow.
            unchecked {
                total += _record(context, sale.orderId, sale.code, sale.saleAmount, sale.buyer);
            }
        }
        if (total > available) revert InsufficientBudget(context.storefront, token, available, total);
        // total <= available, a uint224.
        budget.available = uint224(available - total);
    }

    /// @inheritdoc IReferralEscrow
    function voidReferral(uint256 orderId) external {
        (address storefront, mapping(uint256 => ReferralSlot) storage referrals, ReferralSlot referral) =
            _unreleasedReferral(orderId);
        referrals[orderId] = referral.withRefundedBps(BPS).withStatus(ReferralStatus.Voided);
        uint256 commission = referral.remainingCommission();
        _returnToBudget(storefront, referral, commission);
        emit ReferralVoided(storefront, orderId, commission);
    }

    /// @inheritdoc IReferralEscrow
    function refundReferral(uint256 orderId, uint16 refundBps) external {
        if (refundBps == 0) revert ZeroAmount();
        (address storefront, mapping(uint256 => ReferralSlot) storage referrals, ReferralSlot referral) =
            _unreleasedReferral(orderId);
        uint256 refunded = referral.refundedBps();
        uint256 cumulative = refunded + refundBps;
        // refunded <= 10,000 always, so both fit 16 bits in the error.
        if (cumulative > BPS) revert RefundExceedsSale(storefront, orderId, uint16(refunded), refundBps);
        ReferralSlot updated = referral.withRefundedBps(cumulative);
        if (cumulative == BPS) updated = updated.withStatus(ReferralStatus.Voided);
        referrals[orderId] = updated;
        uint256 original = referral.commission();
        uint256 voided;
        uint256 remaining;
        // original < 2**96 and refunded < cumulative <= 10,000: no overflow, and each floor is at most original.
        unchecked {
            uint256 voidedSoFar = original * cumulative / BPS;
            voided = voidedSoFar - original * refunded / BPS;
            remaining = original - voidedSoFar;
        }
        _returnToBudget(storefront, referral, voided);
        // cumulative <= 10,000.
        emit ReferralRefunded(storefront, orderId, uint16(cumulative), voided, remaining);
    }

    /// @inheritdoc IReferralEscrow
    function releaseEarly(uint256 orderId) external whenNotPaused {
        (address storefront, mapping(uint256 => ReferralSlot) storage referrals, ReferralSlot referral) =
            _unreleasedReferral(orderId);
        // A uint40 holds timestamps for the next 34,000 years.
        referrals[orderId] = referral.withReleaseTime(block.timestamp);
        emit ReferralReleasedEarly(storefront, orderId, block.timestamp);
    }

    /// @inheritdoc IReferralEscrow
    function claim(uint40 partnerId, ReferralKey[] calldata keys) external whenNotPaused nonReentrant {
        if (keys.length == 0) revert EmptyBatch();
        address payout = _payoutForOwner(partnerId);
        uint32 runToken = 0;
        uint256 runStart;
        uint256 runTotal;
        for (uint256 i; i < keys.length; ++i) {
            // A skipped referral has token id 0, which no token has: it ends the run and starts none.
            (uint32 tokenId, uint256 commission) = _markClaimed(partnerId, keys[i]);
            if (tokenId != runToken) {
                if (runToken != 0) _pay(partnerId, runToken, payout, runTotal, keys[runStart:i]);
                (runToken, runStart, runTotal) = (tokenId, i, 0);
            }
            // Each commission is below 2**96 and a batch has fewer than 2**64 keys: the sum cannot overflow.
            unchecked {
                runTotal += commission;
            }
        }
        if (runToken != 0) _pay(partnerId, runToken, payout, runTotal, keys[runStart:]);
    }

    /// @inheritdoc IReferralEscrow
    function claimFrom(uint40 partnerId, address storefront, uint256[] calldata orderIds)
        external
        whenNotPaused
        nonReentrant
    {
        if (orderIds.length == 0) revert EmptyBatch();
        address payout = _payoutForOwner(partnerId);
        mapping(uint256 => ReferralSlot) storage referrals = _getReferralEscrowStorage().referrals[storefront];
        uint256 runToken = 0;
        uint256 runStart;
        uint256 runTotal;
        for (uint256 i; i < orderIds.length; ++i) {
            // A skipped referral has token id 0, which no token has: it ends the run and starts none.
            (uint256 tokenId, uint256 commission) = _markClaimed(referrals, storefront, orderIds[i], partnerId);
            if (tokenId != runToken) {
                if (runToken != 0) _payFrom(partnerId, runToken, storefront, payout, runTotal, orderIds[runStart:i]);
                (runToken, runStart, runTotal) = (tokenId, i, 0);
            }
            // Each commission is below 2**96 and a batch has fewer than 2**64 keys: the sum cannot overflow.
            unchecked {
                runTotal += commission;
            }
        }
        if (runToken != 0) _payFrom(partnerId, runToken, storefront, payout, runTotal, orderIds[runStart:]);
    }

    // ─── Admin ──────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IReferralEscrow
    function openBooks(uint32[] calldata tokenIds) external onlyRole(DEFAULT_ADMIN_ROLE) {
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        for (uint256 i; i < tokenIds.length; ++i) {
            uint32 tokenId = tokenIds[i];
            TokenBooks storage books = $.books[tokenId];
            address token = $.tokens[tokenId];
            if (books.token != address(0) || token == address(0)) continue;
            uint256 balance = IERC20(token).balanceOf(address(this));
            if (balance > type(uint96).max) revert BooksTooLarge(token, balance);
            (books.token, books.owed) = (token, uint96(balance));
            emit BooksOpened(token, balance);
        }
    }

    /// @inheritdoc IReferralEscrow
    function setMaxCommissionRate(uint16 maxRateBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMaxCommissionRate(maxRateBps);
    }

    /// @inheritdoc IReferralEscrow
    function setCodeCommitmentDelay(uint32 delay) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (delay == 0 || delay > MAX_CODE_COMMITMENT_DELAY) revert InvalidCommitmentDelay(delay);
        _getReferralEscrowStorage().codeCommitmentDelay = delay;
        emit CodeCommitmentDelaySet(delay);
    }

    /// @inheritdoc IReferralEscrow
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @inheritdoc IReferralEscrow
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ─── Views ──────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IReferralEscrow
    function paused() public view override(IReferralEscrow, PausableUpgradeable) returns (bool) {
        return super.paused();
    }

    /// @inheritdoc IReferralEscrow
    function referralOf(address storefront, uint256 orderId) external view returns (Referral memory) {
        return _getReferralEscrowStorage().referrals[storefront][orderId].unpack();
    }

    /// @inheritdoc IReferralEscrow
    function isClaimable(address storefront, uint256 orderId) external view returns (bool) {
        ReferralSlot referral = _getReferralEscrowStorage().referrals[storefront][orderId];
        return referral.status() == ReferralStatus.Pending && block.timestamp >= referral.releaseTime();
    }

    /// @inheritdoc IReferralEscrow
    function budgetOf(address storefront, address token) external view returns (uint256) {
        return _getReferralEscrowStorage().budgets[storefront][token].available;
    }

    /// @inheritdoc IReferralEscrow
    function partnerOf(uint40 partnerId) external view returns (address owner, address payout) {
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        // An unknown partner has the zero code, which no partner can register: its owner reads as zero.
        owner = $.codes[$.partners[partnerId].code].owner;
        payout = _payoutOf($, owner, partnerId);
    }

    /// @inheritdoc IReferralEscrow
    function partnerIdOf(bytes32 code) external view returns (uint40) {
        return _getReferralEscrowStorage().codes[code].partnerId;
    }

    /// @inheritdoc IReferralEscrow
    function termsOf(address storefront, uint40 partnerId) external view returns (PartnerTerms memory) {
        Enrolment memory enrolment = _getReferralEscrowStorage().enrolments[storefront][partnerId];
        return PartnerTerms({rateBps: enrolment.rateBps, fixedCommission: enrolment.fixedCommission});
    }

    /// @inheritdoc IReferralEscrow
    function referralsInPeriodOf(address storefront, uint40 partnerId)
        external
        view
        returns (uint256 periodStart, uint256 count)
    {
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        uint256 period = $.programs[storefront].capPeriod;
        if (period == 0) return (0, 0);
        periodStart = block.timestamp - block.timestamp % period;
        Enrolment memory enrolment = $.enrolments[storefront][partnerId];
        if (enrolment.periodStart == periodStart) count = enrolment.periodCount;
    }

    /// @inheritdoc IReferralEscrow
    function programOf(address storefront)
        external
        view
        returns (uint32 holdPeriod, bool programPaused, uint32 maxReferralsPerPeriod, uint32 capPeriod)
    {
        Program memory program = _getReferralEscrowStorage().programs[storefront];
        return (program.holdPeriod, program.paused, program.maxReferralsPerPeriod, program.capPeriod);
    }

    /// @inheritdoc IReferralEscrow
    function tokenById(uint32 tokenId) external view returns (address) {
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        address token = $.books[tokenId].token;
        // A token of the first version whose books are not open yet.
        return token != address(0) ? token : $.tokens[tokenId];
    }

    /// @inheritdoc IReferralEscrow
    function owedIn(address token) external view returns (uint256) {
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        return $.books[$.tokenIds[token]].owed;
    }

    /// @inheritdoc IIssuerKeys
    function storefrontOfKey(address key) external view returns (address) {
        return _getReferralEscrowStorage().keyStorefronts[key];
    }

    /// @inheritdoc IReferralEscrow
    function maxCommissionRate() external view returns (uint16) {
        return _getReferralEscrowStorage().maxRateBps;
    }

    /// @inheritdoc IReferralEscrow
    function codeCommitmentDelay() public view returns (uint32 delay) {
        delay = _getReferralEscrowStorage().codeCommitmentDelay;
        if (delay == 0) delay = DEFAULT_CODE_COMMITMENT_DELAY;
    }

    // ─── Internals ──────────────────────────────────────────────────────────────────────────────────────

    /// @dev Records one referred sale of the context's storefront; returns its commission (the caller takes it
    /// from the budget). The enrolment and code slots are read once each, as whole words (see `Enrolment`, `CodeEntry`).
    function _record(RecordContext memory context, uint256 orderId, bytes32 code, uint256 saleAmount, address buyer)
        private
        returns (uint256 commission)
    {
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        uint40 partnerId = _requireNoSelfReferral($, code, buyer);
        address storefront = context.storefront;
        {
            mapping(uint40 => Enrolment) storage enrolments = _enrolmentsAt(context.enrolmentsSlot);
            Enrolment storage enrolment = enrolments[partnerId];
            uint256 terms;
            assembly ("memory-safe") {
                terms := sload(enrolment.slot)
            }
            commission = _commission(storefront, terms, partnerId, saleAmount);
            if (context.cap != 0) _count(enrolment, terms, context, partnerId);
        }
        mapping(uint256 => ReferralSlot) storage referrals = _referralsAt(context.referralsSlot);
        // A recorded referral's word is never zero (its status is not None).
        if (ReferralSlot.unwrap(referrals[orderId]) != 0) revert OrderAlreadyRecorded(storefront, orderId);
        referrals[orderId] = context.template.withPartnerAndCommission(partnerId, commission);
        _emitRecorded(context, partnerId, orderId, buyer, saleAmount, commission);
    }

    /// @dev The commission of a sale of `saleAmount` under `storefront`'s enrolment word `terms`, bounded to 96
    /// bits.
    function _commission(address storefront, uint256 terms, uint40 partnerId, uint256 saleAmount)
        private
        pure
        returns (uint256 commission)
    {
        uint256 rateBps = EnrolmentWords.rateBps(terms);
        if (saleAmount > type(uint240).max) revert SaleAmountTooLarge(saleAmount);
        // Cannot overflow: saleAmount < 2**240 and rateBps < 2**16.
        if (rateBps != 0) {
            unchecked {
                commission = saleAmount * rateBps / BPS;
            }
        } else {
            commission = EnrolmentWords.fixedCommission(terms);
            if (commission == 0) revert PartnerNotEnrolled(storefront, partnerId);
        }
        if (commission > type(uint96).max) revert CommissionTooLarge(commission);
    }

    function _emitRecorded(
        RecordContext memory context,
        uint40 partnerId,
        uint256 orderId,
        address buyer,
        uint256 saleAmount,
        uint256 commission
    ) private {
        emit ReferralRecorded(
            context.storefront,
            partnerId,
            orderId,
            buyer,
            context.token,
            saleAmount,
            commission,
            context.releaseTime
        );
    }

    /// @dev The partner with `code`, unless `buyer` is zero or is the partner's owner or payout address.
    function _requireNoSelfReferral(ReferralEscrowStorage storage $, bytes32 code, address buyer)
        private
        view
        returns (uint40 partnerId)
    {
        if (buyer == address(0)) revert ZeroAddress();
        CodeEntry storage entry = $.codes[code];
        uint256 word;
        assembly ("memory-safe") {
            word := sload(entry.slot)
        }
        partnerId = CodeEntryWords.partnerId(word);
        if (partnerId == 0) revert UnknownCode(code);
        address owner = CodeEntryWords.owner(word);
        if (buyer == owner) revert SelfReferral(partnerId, buyer);
        // The full payout address is read only when the low bits match.
        if (CodeEntryWords.payoutTag(word) == CodeEntryWords.tagOf(buyer) && buyer == _payoutOf($, owner, partnerId)) {
            revert SelfReferral(partnerId, buyer);
        }
    }

    /// @dev Counts one more referral of the partner's in the current cap period, up to the cap, writing the
    /// enrolment word `terms` once.
    function _count(Enrolment storage enrolment, uint256 terms, RecordContext memory context, uint40 partnerId)
        private
    {
        uint256 periodStart = context.periodStart;
        uint256 count = EnrolmentWords.periodStart(terms) == periodStart ? EnrolmentWords.periodCount(terms) + 1 : 1;
        if (count > context.cap) revert ReferralCapExceeded(context.storefront, partnerId, periodStart, context.cap);
        // periodStart fits 40 bits and count <= cap fits 32; the terms stay.
        uint256 updated = EnrolmentWords.withPeriod(terms, periodStart, count);
        assembly ("memory-safe") {
            sstore(enrolment.slot, updated)
        }
    }

    /// @dev Gives `amount` of the referral's commission back to `storefront`'s budget in the referral's token.
    function _returnToBudget(address storefront, ReferralSlot referral, uint256 amount) private {
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        // Escrowed commissions came out of this budget, so it has room for them again.
        // tokenId fits 32 bits by the slot's layout.
        $.budgets[storefront][$.books[uint32(referral.tokenId())].token].available += uint224(amount);
    }

    function _markClaimed(uint40 partnerId, ReferralKey calldata key) private returns (uint32, uint256) {
        (uint256 tokenId, uint256 commission) = _markClaimed(
            _getReferralEscrowStorage().referrals[key.storefront], key.storefront, key.orderId, partnerId
        );
        // tokenId fits 32 bits by the slot's layout.
        return (uint32(tokenId), commission);
    }

    /// @dev Marks a released referral of the partner's as claimed; returns its token id and commission. A
    /// referral claimed, voided or not yet released is skipped with `ClaimSkipped`: token id 0, commission 0.
    function _markClaimed(
        mapping(uint256 => ReferralSlot) storage referrals,
        address storefront,
        uint256 orderId,
        uint40 partnerId
    ) private returns (uint256 tokenId, uint256 commission) {
        ReferralSlot referral = referrals[orderId];
        if (!referral.isClaimableBy(partnerId, block.timestamp)) {
            _skipUnclaimable(storefront, orderId, referral, partnerId);
            return (0, 0);
        }
        referrals[orderId] = referral.claimed();
        return (referral.tokenId(), referral.remainingCommission());
    }

    /// @dev Emits why a referral that cannot be claimed now is skipped, unless it is no referral of the partner's.
    function _skipUnclaimable(address storefront, uint256 orderId, ReferralSlot referral, uint40 partnerId) private {
        ReferralStatus status = referral.status();
        if (status == ReferralStatus.None) revert UnknownReferral(storefront, orderId);
        // partnerId fits 40 bits by the slot's layout.
        uint40 owner = uint40(referral.partnerId());
        if (owner != partnerId) revert ReferralOfAnotherPartner(storefront, orderId, owner);
        ClaimSkipReason reason = status == ReferralStatus.Claimed
            ? ClaimSkipReason.AlreadyClaimed
            : status == ReferralStatus.Voided ? ClaimSkipReason.Voided : ClaimSkipReason.NotReleased;
        emit ClaimSkipped(partnerId, storefront, orderId, reason);
    }

    function _pay(uint40 partnerId, uint32 tokenId, address payout, uint256 amount, ReferralKey[] calldata keys)
        private
    {
        address token = _settle(tokenId, amount);
        IERC20(token).safeTransfer(payout, amount);
        emit CommissionsClaimed(partnerId, token, amount, keys);
    }

    function _payFrom(
        uint40 partnerId,
        uint256 tokenId,
        address storefront,
        address payout,
        uint256 amount,
        uint256[] calldata orderIds
    ) private {
        // tokenId fits 32 bits by the slot's layout.
        address token = _settle(uint32(tokenId), amount);
        IERC20(token).safeTransfer(payout, amount);
        emit CommissionsClaimedFrom(partnerId, token, storefront, amount, orderIds);
    }

    /// @dev Takes `amount` of escrowed commissions, about to be paid, off the books of token `tokenId`; returns the
    /// token. One slot read and written: the token's address shares it with the books.
    function _settle(uint32 tokenId, uint256 amount) private returns (address token) {
        TokenBooks storage books = _getReferralEscrowStorage().books[tokenId];
        uint256 owed;
        (token, owed) = (books.token, books.owed);
        if (token == address(0)) revert BooksNotOpen(tokenId);
        // The books count every escrowed commission, these included: amount <= owed.
        unchecked {
            books.owed = uint96(owed - amount);
        }
    }

    /// @dev The books of token `tokenId`, which an escrow upgraded from the first version opens with `openBooks`.
    function _openBooks(ReferralEscrowStorage storage $, uint32 tokenId) private view returns (TokenBooks storage books) {
        books = $.books[tokenId];
        if (books.token == address(0)) revert BooksNotOpen(tokenId);
    }

    /// @dev What the referrals recorded now in `token` by the caller, for itself or (a signer key) for its
    /// storefront, share, unless that program is paused (the caller fills in `template` once it knows the token
    /// id): the storefront, the release time, the storage slots of its mappings, and, when the program has a cap,
    /// the cap and the current period's start.
    function _openProgram(address token) private view returns (RecordContext memory context) {
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        address storefront = msg.sender;
        Program memory program = $.programs[storefront];
        if (program.isIssuerKey) {
            storefront = $.keyStorefronts[storefront];
            program = $.programs[storefront];
        }
        if (program.paused) revert ProgramPaused(storefront);
        context.storefront = storefront;
        context.token = token;
        // now plus at most MAX_HOLD_PERIOD; a uint40 holds timestamps for the next 34,000 years.
        context.releaseTime = block.timestamp + program.holdPeriod;
        uint256 period = program.capPeriod;
        if (period != 0) {
            context.cap = program.maxReferralsPerPeriod;
            context.periodStart = block.timestamp - block.timestamp % period;
        }
        mapping(uint256 => ReferralSlot) storage referrals = $.referrals[storefront];
        mapping(uint40 => Enrolment) storage enrolments = $.enrolments[storefront];
        uint256 referralsSlot;
        uint256 enrolmentsSlot;
        assembly ("memory-safe") {
            referralsSlot := referrals.slot
            enrolmentsSlot := enrolments.slot
        }
        (context.referralsSlot, context.enrolmentsSlot) = (referralsSlot, enrolmentsSlot);
    }

    /// @dev The storefront's referral mapping, from the slot `_openProgram` noted.
    function _referralsAt(uint256 slot) private pure returns (mapping(uint256 => ReferralSlot) storage referrals) {
        assembly ("memory-safe") {
            referrals.slot := slot
        }
    }

    /// @dev The storefront's enrolment mapping, from the slot `_openProgram` noted.
    function _enrolmentsAt(uint256 slot) private pure returns (mapping(uint40 => Enrolment) storage enrolments) {
        assembly ("memory-safe") {
            enrolments.slot := slot
        }
    }

    /// @dev The storefront whose referral of order `orderId` the caller may refund, void or release early, its
    /// referral mapping and the referral, unless that referral is unknown, no longer pending or released. The
    /// caller's own referral comes first; only when it has none of that order is the caller looked up as a
    /// signer key, so a storefront's own calls read nothing more.
    function _unreleasedReferral(uint256 orderId)
        private
        view
        returns (address storefront, mapping(uint256 => ReferralSlot) storage referrals, ReferralSlot referral)
    {
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        storefront = msg.sender;
        referrals = $.referrals[storefront];
        referral = referrals[orderId];
        if (ReferralSlot.unwrap(referral) == 0) {
            address keyOf = $.keyStorefronts[storefront];
            if (keyOf != address(0)) {
                storefront = keyOf;
                referrals = $.referrals[storefront];
                referral = referrals[orderId];
            }
        }
        _requireUnreleased(storefront, orderId, referral);
    }

    function _requirePending(address storefront, uint256 orderId, ReferralSlot referral) private pure {
        ReferralStatus status = referral.status();
        if (status == ReferralStatus.None) revert UnknownReferral(storefront, orderId);
        if (status != ReferralStatus.Pending) revert ReferralNotPending(storefront, orderId, status);
    }

    function _requireUnreleased(address storefront, uint256 orderId, ReferralSlot referral) private view {
        _requirePending(storefront, orderId, referral);
        uint256 releaseTime = referral.releaseTime();
        if (block.timestamp >= releaseTime) revert ReferralAlreadyReleased(storefront, orderId, releaseTime);
    }

    /// @dev The payout address of the caller's partner `partnerId`, unless the caller is not its owner. A claim
    /// reads one slot, keyed by the caller: a payout is stored there only for the partner's owner.
    function _payoutForOwner(uint40 partnerId) private view returns (address payout) {
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        payout = $.payouts[msg.sender][partnerId];
        if (payout != address(0)) return payout;
        // A partner of the first version, not yet moved to `payouts`.
        Partner storage partner = $.partners[partnerId];
        if ($.codes[partner.code].owner != msg.sender || partner.code == bytes32(0)) {
            revert NotPartnerOwner(partnerId, msg.sender);
        }
        payout = partner.payout;
    }

    /// @dev The payout address of `owner`'s partner `partnerId` (zero when unknown).
    function _payoutOf(ReferralEscrowStorage storage $, address owner, uint40 partnerId)
        private
        view
        returns (address payout)
    {
        payout = $.payouts[owner][partnerId];
        // A partner of the first version, not yet moved to `payouts`.
        if (payout == address(0)) payout = $.partners[partnerId].payout;
    }

    /// @dev Uses up the caller's commitment, unless it is unknown or younger than the commitment delay.
    function _useCommitment(ReferralEscrowStorage storage $, bytes32 commitment) private {
        uint256 committedAt = $.commitments[commitment];
        if (committedAt == 0) revert UnknownCommitment(commitment);
        uint256 revealableAt = committedAt + codeCommitmentDelay();
        if (block.timestamp < revealableAt) revert CommitmentTooRecent(commitment, revealableAt);
        delete $.commitments[commitment];
    }

    function _partnerIdOf(bytes32 code) private view returns (uint40 partnerId) {
        partnerId = _getReferralEscrowStorage().codes[code].partnerId;
        if (partnerId == 0) revert UnknownCode(code);
    }

    function _registerToken(address token) private returns (uint32 tokenId) {
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        tokenId = $.tokenIds[token];
        if (tokenId != 0) return tokenId;
        tokenId = ++$.tokenCount;
        $.tokenIds[token] = tokenId;
        $.books[tokenId].token = token;
    }

    function _setMaxCommissionRate(uint16 maxRateBps) private {
        if (maxRateBps > BPS) revert InvalidMaxRate(maxRateBps);
        _getReferralEscrowStorage().maxRateBps = maxRateBps;
        emit MaxCommissionRateSet(maxRateBps);
    }

    function _authorizeUpgrade(address) internal override onlyRole(UPGRADER_ROLE) {}

    function _getReferralEscrowStorage() private pure returns (ReferralEscrowStorage storage $) {
        assembly {
            $.slot := REFERRAL_ESCROW_STORAGE
        }
    }
}
