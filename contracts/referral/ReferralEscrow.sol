// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {PausableUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/PausableUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IReferralEscrow} from "./IReferralEscrow.sol";
import {ReferralSlot, ReferralSlots} from "./ReferralSlot.sol";

/// @title ReferralEscrow
/// @notice Referral commissions held in escrow. Partners register a code and a payout address; a storefront
/// enrols partners with a rate or a fixed commission, funds a budget in any ERC-20, and records referred
/// sales. Each commission moves from the budget into escrow and is released after the storefront's hold
/// period (its return window); until then the storefront can void it (refund) or release it early. Partners
/// claim released commissions to their payout address. Behind a UUPS proxy.
/// @dev Funds: a storefront withdraws only its unallocated budget; nothing the admin or a storefront can do
/// takes an escrowed commission, except the storefront's void within the hold period. There is no sweep.
/// Fee-on-transfer tokens are credited by what arrived (balance difference); rebasing tokens are unsupported.
/// Storefronts need no permission: a program only ever spends its own budget.
contract ReferralEscrow is
    IReferralEscrow,
    AccessControlUpgradeable,
    PausableUpgradeable,
    ReentrancyGuardTransient,
    UUPSUpgradeable
{
    using SafeERC20 for IERC20;

    /// @notice The role that pauses and unpauses the escrow.
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @notice The role that upgrades the implementation.
    bytes32 public constant UPGRADER_ROLE = keccak256("UPGRADER_ROLE");
    /// @notice The longest hold period a storefront may set.
    uint32 public constant MAX_HOLD_PERIOD = 365 days;

    uint256 private constant BPS = 10_000;

    struct Partner {
        address owner;
        address payout;
    }

    struct Program {
        uint32 holdPeriod;
        bool paused;
    }

    struct Budget {
        uint32 tokenId;
        uint224 available;
    }

    /// @custom:storage-location erc7201:dcrm.storage.ReferralEscrow
    struct ReferralEscrowStorage {
        uint40 partnerCount;
        uint32 tokenCount;
        uint16 maxRateBps;
        mapping(bytes32 code => uint40 partnerId) partnerIdByCode;
        mapping(uint40 partnerId => Partner) partners;
        mapping(address storefront => Program) programs;
        mapping(address storefront => mapping(uint40 partnerId => PartnerTerms)) terms;
        mapping(address storefront => mapping(address token => Budget)) budgets;
        mapping(address token => uint32 tokenId) tokenIds;
        mapping(uint32 tokenId => address token) tokens;
        mapping(address storefront => mapping(uint256 orderId => ReferralSlot)) referrals;
    }

    // keccak256(abi.encode(uint256(keccak256("dcrm.storage.ReferralEscrow")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant REFERRAL_ESCROW_STORAGE =
        0xd3513285aff031fdaf625e19377e13d81dbd9cd96f1fa54f13a43458477c2800;

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @notice Sets up the proxy: `admin` as admin, pauser and upgrader; the highest rate storefronts may offer.
    function initialize(address admin, uint16 maxRateBps) external initializer {
        __AccessControl_init();
        __Pausable_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
        _grantRole(UPGRADER_ROLE, admin);
        _setMaxCommissionRate(maxRateBps);
    }

    // ─── Partners ───────────────────────────────────────────────────────────────────────────────────────

    /// @notice Registers `code` (first come) for the caller, paid to `payout`.
    function registerPartner(bytes32 code, address payout) external returns (uint40 partnerId) {
        if (code == bytes32(0)) revert InvalidCode();
        if (payout == address(0)) revert InvalidRecipient();
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        uint40 owner = $.partnerIdByCode[code];
        if (owner != 0) revert CodeTaken(code, owner);
        partnerId = ++$.partnerCount;
        $.partnerIdByCode[code] = partnerId;
        $.partners[partnerId] = Partner({owner: msg.sender, payout: payout});
        emit PartnerRegistered(partnerId, code, msg.sender, payout);
    }

    /// @notice Changes where the partner's commissions are paid; only the partner's owner may.
    function setPayoutAddress(uint40 partnerId, address payout) external {
        if (payout == address(0)) revert InvalidRecipient();
        Partner storage partner = _getReferralEscrowStorage().partners[partnerId];
        if (partner.owner == address(0)) revert UnknownPartner(partnerId);
        if (partner.owner != msg.sender) revert NotPartnerOwner(partnerId, msg.sender);
        partner.payout = payout;
        emit PayoutAddressChanged(partnerId, payout);
    }

    // ─── Storefront programs ────────────────────────────────────────────────────────────────────────────

    /// @notice Enrols the partner with `code` in the caller's program, or changes its terms: a rate in basis
    /// points of the sale, or a fixed commission per sale (exactly one of them).
    function enrolPartner(bytes32 code, uint16 rateBps, uint96 fixedCommission) external {
        if ((rateBps == 0) == (fixedCommission == 0)) revert InvalidTerms(rateBps, fixedCommission);
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        if (rateBps > $.maxRateBps) revert RateAboveMaximum(rateBps, $.maxRateBps);
        uint40 partnerId = _partnerIdOf(code);
        $.terms[msg.sender][partnerId] = PartnerTerms({rateBps: rateBps, fixedCommission: fixedCommission});
        emit PartnerEnrolled(msg.sender, partnerId, rateBps, fixedCommission);
    }

    /// @notice Removes the partner with `code` from the caller's program; recorded referrals are unaffected.
    function removePartner(bytes32 code) external {
        uint40 partnerId = _partnerIdOf(code);
        delete _getReferralEscrowStorage().terms[msg.sender][partnerId];
        emit PartnerRemoved(msg.sender, partnerId);
    }

    /// @notice Sets the caller's hold period (its return window) for referrals recorded from now on.
    function setHoldPeriod(uint32 holdPeriod) external {
        if (holdPeriod > MAX_HOLD_PERIOD) revert HoldPeriodTooLong(holdPeriod, MAX_HOLD_PERIOD);
        _getReferralEscrowStorage().programs[msg.sender].holdPeriod = holdPeriod;
        emit HoldPeriodSet(msg.sender, holdPeriod);
    }

    /// @notice Stops (or resumes) recording referrals in the caller's program. Claims never stop.
    function setProgramPaused(bool paused_) external {
        _getReferralEscrowStorage().programs[msg.sender].paused = paused_;
        emit ProgramPausedSet(msg.sender, paused_);
    }

    // ─── Budgets ────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Adds to the caller's budget in `token` what arrives of `amount` (a token that takes a fee on
    /// transfer is credited the amount after its fee).
    function fundBudget(address token, uint256 amount) external whenNotPaused nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (token.code.length == 0) revert InvalidToken(token);
        Budget storage budget = _getReferralEscrowStorage().budgets[msg.sender][token];
        if (budget.tokenId == 0) budget.tokenId = _registerToken(token);
        uint256 balanceBefore = IERC20(token).balanceOf(address(this));
        IERC20(token).safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = IERC20(token).balanceOf(address(this)) - balanceBefore;
        uint256 available = budget.available + received;
        if (available > type(uint224).max) revert BudgetTooLarge(available);
        // Bounded just above.
        budget.available = uint224(available);
        emit BudgetFunded(msg.sender, token, msg.sender, received);
    }

    /// @notice Withdraws `amount` of the caller's unallocated budget in `token` to `to`.
    function withdrawBudget(address token, uint256 amount, address to) external whenNotPaused nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (to == address(0)) revert InvalidRecipient();
        Budget storage budget = _getReferralEscrowStorage().budgets[msg.sender][token];
        uint256 available = budget.available;
        if (amount > available) revert InsufficientBudget(msg.sender, token, available, amount);
        // amount <= available, a uint224.
        budget.available = uint224(available - amount);
        IERC20(token).safeTransfer(to, amount);
        emit BudgetWithdrawn(msg.sender, token, to, amount);
    }

    // ─── Referrals ──────────────────────────────────────────────────────────────────────────────────────

    /// @notice Records a referred sale of the caller's: computes the partner's commission and moves it from the
    /// caller's `token` budget into escrow until the hold period ends.
    function recordReferral(uint256 orderId, bytes32 code, uint256 saleAmount, address token)
        external
        whenNotPaused
    {
        uint256 releaseTime = _openProgramReleaseTime(msg.sender);
        Budget storage budget = _getReferralEscrowStorage().budgets[msg.sender][token];
        (uint32 tokenId, uint256 available) = (budget.tokenId, budget.available);
        if (tokenId == 0) revert InvalidToken(token);
        uint256 commission = _record(msg.sender, orderId, code, saleAmount, token, tokenId, releaseTime);
        if (commission > available) revert InsufficientBudget(msg.sender, token, available, commission);
        // commission <= available, a uint224.
        budget.available = uint224(available - commission);
    }

    /// @notice Records many referred sales of the caller's, all paid in `token`; any failure reverts the batch.
    function recordReferrals(address token, ReferredSale[] calldata sales) external whenNotPaused {
        if (sales.length == 0) revert ZeroAmount();
        uint256 releaseTime = _openProgramReleaseTime(msg.sender);
        Budget storage budget = _getReferralEscrowStorage().budgets[msg.sender][token];
        (uint32 tokenId, uint256 available) = (budget.tokenId, budget.available);
        if (tokenId == 0) revert InvalidToken(token);
        uint256 total;
        for (uint256 i; i < sales.length; ++i) {
            ReferredSale calldata sale = sales[i];
            total += _record(msg.sender, sale.orderId, sale.code, sale.saleAmount, token, tokenId, releaseTime);
        }
        if (total > available) revert InsufficientBudget(msg.sender, token, available, total);
        // total <= available, a uint224.
        budget.available = uint224(available - total);
    }

    /// @notice Voids a referral of the caller's within its hold period (a refund or return): the commission
    /// goes back to the caller's budget.
    function voidReferral(uint256 orderId) external whenNotPaused {
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        mapping(uint256 => ReferralSlot) storage referrals = $.referrals[msg.sender];
        ReferralSlot referral = referrals[orderId];
        _requireUnreleased(msg.sender, orderId, referral);
        referrals[orderId] = referral.withStatus(ReferralStatus.Voided);
        uint256 commission = referral.commission();
        // Escrowed commissions came out of this budget, so it has room for them again.
        // tokenId fits 32 bits by the slot's layout.
        $.budgets[msg.sender][$.tokens[uint32(referral.tokenId())]].available += uint224(commission);
        emit ReferralVoided(msg.sender, orderId, commission);
    }

    /// @notice Releases a referral of the caller's before its hold period ends (the sale is verified).
    function releaseEarly(uint256 orderId) external whenNotPaused {
        mapping(uint256 => ReferralSlot) storage referrals = _getReferralEscrowStorage().referrals[msg.sender];
        ReferralSlot referral = referrals[orderId];
        _requireUnreleased(msg.sender, orderId, referral);
        // A uint40 holds timestamps for the next 34,000 years.
        referrals[orderId] = referral.withReleaseTime(block.timestamp);
        emit ReferralReleasedEarly(msg.sender, orderId, block.timestamp);
    }

    /// @notice Pays partner `partnerId` the released commissions of `keys` at its payout address, one transfer
    /// per run of referrals in the same token. Anyone may trigger it: the money only goes to the partner.
    function claim(uint40 partnerId, ReferralKey[] calldata keys) external whenNotPaused nonReentrant {
        if (keys.length == 0) revert ZeroAmount();
        address payout = _payoutOf(partnerId);
        uint32 runToken = 0;
        uint256 runStart;
        uint256 runTotal;
        for (uint256 i; i < keys.length; ++i) {
            (uint32 tokenId, uint256 commission) = _markClaimed(partnerId, keys[i]);
            if (tokenId != runToken) {
                if (i != 0) _pay(partnerId, runToken, payout, runTotal, keys[runStart:i]);
                (runToken, runStart, runTotal) = (tokenId, i, 0);
            }
            runTotal += commission;
        }
        _pay(partnerId, runToken, payout, runTotal, keys[runStart:]);
    }

    /// @notice Like `claim` for referrals of one storefront: the common case, with half the calldata and log
    /// data per referral.
    function claimFrom(uint40 partnerId, address storefront, uint256[] calldata orderIds)
        external
        whenNotPaused
        nonReentrant
    {
        if (orderIds.length == 0) revert ZeroAmount();
        address payout = _payoutOf(partnerId);
        mapping(uint256 => ReferralSlot) storage referrals = _getReferralEscrowStorage().referrals[storefront];
        uint256 runToken = 0;
        uint256 runStart;
        uint256 runTotal;
        for (uint256 i; i < orderIds.length; ++i) {
            (uint256 tokenId, uint256 commission) = _markClaimed(referrals, storefront, orderIds[i], partnerId);
            if (tokenId != runToken) {
                if (i != 0) _payFrom(partnerId, runToken, storefront, payout, runTotal, orderIds[runStart:i]);
                (runToken, runStart, runTotal) = (tokenId, i, 0);
            }
            runTotal += commission;
        }
        _payFrom(partnerId, runToken, storefront, payout, runTotal, orderIds[runStart:]);
    }

    // ─── Admin ──────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Sets the highest rate (basis points) that storefronts may offer from now on.
    function setMaxCommissionRate(uint16 maxRateBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setMaxCommissionRate(maxRateBps);
    }

    /// @notice Stops funding, withdrawing, recording, voiding, releasing and claiming. No funds move.
    function pause() external onlyRole(PAUSER_ROLE) {
        _pause();
    }

    /// @notice Resumes everything `pause` stopped.
    function unpause() external onlyRole(PAUSER_ROLE) {
        _unpause();
    }

    // ─── Views ──────────────────────────────────────────────────────────────────────────────────────────

    /// @notice The referral for the storefront's order (status None when there is none).
    function referralOf(address storefront, uint256 orderId) external view returns (Referral memory) {
        return _getReferralEscrowStorage().referrals[storefront][orderId].unpack();
    }

    /// @notice Whether the referral is pending and past its release time, so its partner can claim it.
    function isClaimable(address storefront, uint256 orderId) external view returns (bool) {
        ReferralSlot referral = _getReferralEscrowStorage().referrals[storefront][orderId];
        return referral.status() == ReferralStatus.Pending && block.timestamp >= referral.releaseTime();
    }

    /// @notice The storefront's unallocated budget in `token`.
    function budgetOf(address storefront, address token) external view returns (uint256) {
        return _getReferralEscrowStorage().budgets[storefront][token].available;
    }

    /// @notice The partner's owner and payout address.
    function partnerOf(uint40 partnerId) external view returns (address owner, address payout) {
        Partner memory partner = _getReferralEscrowStorage().partners[partnerId];
        return (partner.owner, partner.payout);
    }

    /// @notice The id of the partner with `code` (0: none).
    function partnerIdOf(bytes32 code) external view returns (uint40) {
        return _getReferralEscrowStorage().partnerIdByCode[code];
    }

    /// @notice The storefront's terms for the partner (both zero: not enrolled).
    function termsOf(address storefront, uint40 partnerId) external view returns (PartnerTerms memory) {
        return _getReferralEscrowStorage().terms[storefront][partnerId];
    }

    /// @notice The storefront's hold period and whether it paused its program.
    function programOf(address storefront) external view returns (uint32 holdPeriod, bool programPaused) {
        Program memory program = _getReferralEscrowStorage().programs[storefront];
        return (program.holdPeriod, program.paused);
    }

    /// @notice The token numbered `tokenId` in referrals.
    function tokenById(uint32 tokenId) external view returns (address) {
        return _getReferralEscrowStorage().tokens[tokenId];
    }

    /// @notice The highest rate (basis points) storefronts may offer.
    function maxCommissionRate() external view returns (uint16) {
        return _getReferralEscrowStorage().maxRateBps;
    }

    // ─── Internals ──────────────────────────────────────────────────────────────────────────────────────

    function _record(
        address storefront,
        uint256 orderId,
        bytes32 code,
        uint256 saleAmount,
        address token,
        uint32 tokenId,
        uint256 releaseTime
    ) private returns (uint256 commission) {
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        uint40 partnerId = $.partnerIdByCode[code];
        if (partnerId == 0) revert UnknownCode(code);
        PartnerTerms memory terms = $.terms[storefront][partnerId];
        if (saleAmount > type(uint240).max) revert SaleAmountTooLarge(saleAmount);
        // Cannot overflow: saleAmount < 2**240 and rateBps < 2**16.
        if (terms.rateBps != 0) commission = saleAmount * terms.rateBps / BPS;
        else if (terms.fixedCommission != 0) commission = terms.fixedCommission;
        else revert PartnerNotEnrolled(storefront, partnerId);
        if (commission > type(uint96).max) revert CommissionTooLarge(commission);
        mapping(uint256 => ReferralSlot) storage referrals = $.referrals[storefront];
        if (referrals[orderId].status() != ReferralStatus.None) revert OrderAlreadyRecorded(storefront, orderId);
        // releaseTime is now plus at most MAX_HOLD_PERIOD; commission was bounded just above.
        referrals[orderId] = ReferralSlots.pack(
            Referral({
                partnerId: partnerId,
                tokenId: tokenId,
                status: ReferralStatus.Pending,
                releaseTime: uint40(releaseTime),
                commission: uint96(commission)
            })
        );
        emit ReferralRecorded(storefront, partnerId, orderId, code, token, saleAmount, commission, releaseTime);
    }

    function _markClaimed(uint40 partnerId, ReferralKey calldata key) private returns (uint32, uint256) {
        (uint256 tokenId, uint256 commission) = _markClaimed(
            _getReferralEscrowStorage().referrals[key.storefront], key.storefront, key.orderId, partnerId
        );
        // tokenId fits 32 bits by the slot's layout.
        return (uint32(tokenId), commission);
    }

    /// @dev Marks a released referral of the partner's as claimed; returns its token id and commission.
    function _markClaimed(
        mapping(uint256 => ReferralSlot) storage referrals,
        address storefront,
        uint256 orderId,
        uint40 partnerId
    ) private returns (uint256 tokenId, uint256 commission) {
        ReferralSlot referral = referrals[orderId];
        _requireClaimable(storefront, orderId, referral, partnerId);
        referrals[orderId] = referral.withStatus(ReferralStatus.Claimed);
        return (referral.tokenId(), referral.commission());
    }

    function _pay(uint40 partnerId, uint32 tokenId, address payout, uint256 amount, ReferralKey[] calldata keys)
        private
    {
        address token = _getReferralEscrowStorage().tokens[tokenId];
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
        address token = _getReferralEscrowStorage().tokens[uint32(tokenId)];
        IERC20(token).safeTransfer(payout, amount);
        emit CommissionsClaimedFrom(partnerId, token, storefront, amount, orderIds);
    }

    /// @dev The release time of a referral recorded now in the storefront's program, unless it is paused.
    function _openProgramReleaseTime(address storefront) private view returns (uint256) {
        Program memory program = _getReferralEscrowStorage().programs[storefront];
        if (program.paused) revert ProgramPaused(storefront);
        return block.timestamp + program.holdPeriod;
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

    function _requireClaimable(address storefront, uint256 orderId, ReferralSlot referral, uint40 partnerId)
        private
        view
    {
        _requirePending(storefront, orderId, referral);
        // partnerId fits 40 bits by the slot's layout.
        uint40 owner = uint40(referral.partnerId());
        if (owner != partnerId) revert ReferralOfAnotherPartner(storefront, orderId, owner);
        uint256 releaseTime = referral.releaseTime();
        if (block.timestamp < releaseTime) revert ReferralNotReleased(storefront, orderId, releaseTime);
    }

    function _payoutOf(uint40 partnerId) private view returns (address payout) {
        payout = _getReferralEscrowStorage().partners[partnerId].payout;
        if (payout == address(0)) revert UnknownPartner(partnerId);
    }

    function _partnerIdOf(bytes32 code) private view returns (uint40 partnerId) {
        partnerId = _getReferralEscrowStorage().partnerIdByCode[code];
        if (partnerId == 0) revert UnknownCode(code);
    }

    function _registerToken(address token) private returns (uint32 tokenId) {
        ReferralEscrowStorage storage $ = _getReferralEscrowStorage();
        tokenId = $.tokenIds[token];
        if (tokenId != 0) return tokenId;
        tokenId = ++$.tokenCount;
        $.tokenIds[token] = tokenId;
        $.tokens[tokenId] = token;
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
