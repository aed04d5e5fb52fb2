// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {ICommonErrors} from "../../../contracts/common/ICommonErrors.sol";
import {ConsentRegistry} from "../../../contracts/consent/ConsentRegistry.sol";
import {IConsentRegistry} from "../../../contracts/consent/IConsentRegistry.sol";
import {DataAccessPayments} from "../../../contracts/dataAccess/DataAccessPayments.sol";
import {IDataAccessPayments} from "../../../contracts/dataAccess/IDataAccessPayments.sol";
import {TestToken} from "../../../contracts/mocks/tokens/TestToken.sol";
import {FuzzBounds} from "../utils/FuzzBounds.sol";
import {PredictedOutcomes} from "./PredictedOutcomes.sol";
import {Vm, VM_ADDRESS} from "../utils/Vm.sol";

/// @title DataAccessPaymentsHandler
/// @notice The actions an invariant run performs on DataAccessPayments and its ConsentRegistry, with bounded
/// inputs: two consumers, four shoppers and two scopes. Shoppers grant and revoke consent (pranked on the
/// registry), time moves forward, consumers deposit, withdraw deposits and record accesses singly and in
/// batches, shoppers withdraw earnings, the admin withdraws fees and sets the fee; the handler keeps a
/// model of consents, deposits, earnings and fees.
/// @dev Every action predicts from the model whether the call must succeed and, if not, which errors may
/// reject it, then calls in `try`. A call against the prediction is counted in `ghostUnexpectedOutcomes`; a
/// successful call that moved other amounts than the model says in `ghostMovementMismatches`. Before each
/// access the handler also asks the registry whether the consent is active in that block: a paid access
/// without it is counted in `ghostPaidWithoutConsent`, and a paid access whose consent the model knows as
/// revoked, never granted or expired in `ghostChargedInactiveConsent`. Actions never revert.
contract DataAccessPaymentsHandler is PredictedOutcomes {
    using FuzzBounds for uint256;

    /// @notice A consent as the model knows it.
    struct GhostConsent {
        bool granted;
        uint40 expiresAt;
        uint96 price;
    }

    Vm private constant vm = Vm(VM_ADDRESS);

    /// @notice How many consumers, shoppers and scopes there are.
    uint256 public constant CONSUMER_COUNT = 2;
    uint256 public constant SHOPPER_COUNT = 4;
    uint256 public constant SCOPE_COUNT = 2;

    uint256 private constant BPS = 10_000;
    uint256 private constant MAX_PRICE = 1_000e18;
    uint256 private constant MAX_DEPOSIT = 5_000e18;
    uint256 private constant MAX_CONSENT_LIFE = 3 days;
    uint256 private constant MAX_TIME_STEP = 1 days;
    uint256 private constant MAX_BATCH = 6;

    DataAccessPayments public immutable payments;
    ConsentRegistry public immutable registry;
    TestToken public immutable token;
    address public immutable admin;
    uint16 private immutable maxFeeBps;

    /// @notice The timestamp of the run: every action happens at it.
    uint256 public currentTime;
    /// @notice The fee rate and recipient as the model knows them.
    uint16 public ghostFeeBps;
    address public ghostFeeRecipient;

    mapping(address shopper => mapping(address consumer => mapping(bytes32 scope => GhostConsent))) private
        ghostConsents;
    /// @notice Per consumer: what it deposited, spent on accesses and withdrew.
    mapping(address consumer => uint256) public ghostDeposited;
    mapping(address consumer => uint256) public ghostSpent;
    mapping(address consumer => uint256) public ghostWithdrawn;
    /// @notice Each shopper's withdrawable earnings as the model computes them.
    mapping(address shopper => uint256) public ghostEarnings;
    /// @notice Totals: spent on accesses, credited to shoppers, accrued as fees, and withdrawn of each.
    uint256 public ghostTotalSpent;
    uint256 public ghostTotalCredited;
    uint256 public ghostTotalFees;
    uint256 public ghostAccruedFees;
    uint256 public ghostEarningsWithdrawn;
    uint256 public ghostFeesWithdrawn;

    /// @notice Paid accesses whose consent the registry did not report active in that block: must stay 0.
    uint256 public ghostPaidWithoutConsent;
    /// @notice Paid accesses whose consent the model knows as revoked, never granted or expired: must stay 0.
    uint256 public ghostChargedInactiveConsent;
    /// @notice Accesses the model refused for want of consent (to see that runs exercise it).
    uint256 public ghostRefusedWithoutConsent;


    /// @dev Keeps every action at the run's own clock, whatever the runner does with the block between calls.
    modifier atCurrentTime() {
        vm.warp(currentTime);
        _;
    }

    /// @notice Sets up the actors for `payments_` (reading `registry_`, paid in `token_`, administered by
    /// `admin_`, charging `feeBps` for `feeRecipient`) at `startTime`.
    constructor(
        DataAccessPayments payments_,
        ConsentRegistry registry_,
        TestToken token_,
        address admin_,
        address feeRecipient,
        uint16 feeBps,
        uint256 startTime
    ) {
        payments = payments_;
        registry = registry_;
        token = token_;
        admin = admin_;
        maxFeeBps = payments_.MAX_FEE_BPS();
        ghostFeeRecipient = feeRecipient;
        ghostFeeBps = feeBps;
        currentTime = startTime;
    }

    // ─── Actions ────────────────────────────────────────────────────────────────────────────────────────

    /// @notice A shopper grants a consumer consent to a scope; one in eight expiries is not in the future.
    function grant(uint256 shopperSeed, uint256 consumerSeed, uint256 scopeSeed, uint256 priceSeed, uint256 expirySeed)
        external
        atCurrentTime
    {
        (address shopper, address consumer, bytes32 scope) = (shopperAt(shopperSeed), consumerAt(consumerSeed), scopeAt(scopeSeed));
        uint96 price = uint96(priceSeed.bound(0, MAX_PRICE));
        uint40 expiresAt = expirySeed % 8 == 0
            ? uint40(currentTime - (expirySeed >> 8) % 2)
            : uint40(currentTime + (expirySeed >> 8).bound(1, MAX_CONSENT_LIFE));
        Expectation memory expectation;
        if (expiresAt <= currentTime) _allow(expectation, IConsentRegistry.ExpiryInPast.selector);
        vm.prank(shopper);
        try registry.grant(consumer, scope, price, expiresAt) {
            if (_asPredicted(expectation, true, "", "grant")) {
                ghostConsents[shopper][consumer][scope] = GhostConsent(true, expiresAt, price);
            }
        } catch (bytes memory reason) {
            _asPredicted(expectation, false, reason, "grant");
        }
    }

    /// @notice A shopper revokes a consumer's consent to a scope (refused when none stands).
    function revoke(uint256 shopperSeed, uint256 consumerSeed, uint256 scopeSeed) external atCurrentTime {
        (address shopper, address consumer, bytes32 scope) = (shopperAt(shopperSeed), consumerAt(consumerSeed), scopeAt(scopeSeed));
        Expectation memory expectation;
        if (!ghostConsents[shopper][consumer][scope].granted) {
            _allow(expectation, IConsentRegistry.ConsentNotGranted.selector);
        }
        vm.prank(shopper);
        try registry.revoke(consumer, scope) {
            if (_asPredicted(expectation, true, "", "revoke")) delete ghostConsents[shopper][consumer][scope];
        } catch (bytes memory reason) {
            _asPredicted(expectation, false, reason, "revoke");
        }
    }

    /// @notice Moves time forward by 1 second to a day, so that consents expire.
    function warp(uint256 secondsSeed) external {
        currentTime += secondsSeed.bound(1, MAX_TIME_STEP);
        vm.warp(currentTime);
        ++ghostSuccesses["warp"];
    }

    /// @notice A consumer deposits 0 to 5,000 tokens (0 is refused).
    function deposit(uint256 consumerSeed, uint256 amountSeed) external atCurrentTime {
        address consumer = consumerAt(consumerSeed);
        uint256 amount = amountSeed.bound(0, MAX_DEPOSIT);
        token.mint(consumer, amount);
        vm.prank(consumer);
        token.approve(address(payments), amount);
        Expectation memory expectation;
        if (amount == 0) _allow(expectation, ICommonErrors.ZeroAmount.selector);
        uint256 before = token.balanceOf(address(payments));
        vm.prank(consumer);
        try payments.deposit(amount) {
            if (_asPredicted(expectation, true, "", "deposit")) {
                ghostDeposited[consumer] += amount;
                _checkMovement(token.balanceOf(address(payments)), before + amount, "deposit: contract balance");
            }
        } catch (bytes memory reason) {
            _asPredicted(expectation, false, reason, "deposit");
        }
    }

    /// @notice A consumer withdraws up to its deposit plus 10 tokens (too much, or 0, is refused).
    function withdrawDeposit(uint256 consumerSeed, uint256 amountSeed) external atCurrentTime {
        address consumer = consumerAt(consumerSeed);
        uint256 available = _modelDeposit(consumer);
        uint256 amount = amountSeed.bound(0, available + 10e18);
        address to = _named("consumer treasury", 0);
        Expectation memory expectation;
        if (amount == 0) _allow(expectation, ICommonErrors.ZeroAmount.selector);
        else if (amount > available) _allow(expectation, IDataAccessPayments.InsufficientDeposit.selector);
        uint256 before = token.balanceOf(to);
        vm.prank(consumer);
        try payments.withdrawDeposit(amount, to) {
            if (_asPredicted(expectation, true, "", "withdrawDeposit")) {
                ghostWithdrawn[consumer] += amount;
                _checkMovement(token.balanceOf(to), before + amount, "withdrawDeposit: received");
            }
        } catch (bytes memory reason) {
            _asPredicted(expectation, false, reason, "withdrawDeposit");
        }
    }

    /// @notice A consumer records one access; one in six maxima is one below the price.
    function recordAccess(uint256 consumerSeed, uint256 shopperSeed, uint256 scopeSeed, uint256 maxSeed)
        external
        atCurrentTime
    {
        address consumer = consumerAt(consumerSeed);
        bytes32 scope = scopeAt(scopeSeed);
        address[] memory shoppers = new address[](1);
        shoppers[0] = shopperAt(shopperSeed);
        _record(consumer, scope, shoppers, _maxPrice(consumer, scope, shoppers[0], maxSeed), true);
    }

    /// @notice A consumer records a batch of 0 to 6 accesses (empty is refused) over the shoppers, repeats
    /// allowed; one in six maxima is one below the first shopper's price.
    function recordAccesses(uint256 consumerSeed, uint256 scopeSeed, uint256 lengthSeed, uint256 seed, uint256 maxSeed)
        external
        atCurrentTime
    {
        address consumer = consumerAt(consumerSeed);
        bytes32 scope = scopeAt(scopeSeed);
        uint256 length = lengthSeed % 16 == 0 ? 0 : lengthSeed.bound(1, MAX_BATCH);
        address[] memory shoppers = new address[](length);
        for (uint256 i; i < length; ++i) {
            shoppers[i] = shopperAt(seed.derive(i));
        }
        uint256 maxPrice = length == 0 ? type(uint256).max : _maxPrice(consumer, scope, shoppers[0], maxSeed);
        _record(consumer, scope, shoppers, maxPrice, false);
    }

    /// @notice A shopper withdraws up to its earnings plus 1 token (too much, or 0, is refused).
    function withdrawEarnings(uint256 shopperSeed, uint256 amountSeed) external atCurrentTime {
        address shopper = shopperAt(shopperSeed);
        uint256 available = ghostEarnings[shopper];
        uint256 amount = amountSeed.bound(0, available + 1e18);
        Expectation memory expectation;
        if (amount == 0) _allow(expectation, ICommonErrors.ZeroAmount.selector);
        else if (amount > available) _allow(expectation, IDataAccessPayments.InsufficientEarnings.selector);
        uint256 before = token.balanceOf(shopper);
        vm.prank(shopper);
        try payments.withdrawEarnings(amount) {
            if (_asPredicted(expectation, true, "", "withdrawEarnings")) {
                ghostEarnings[shopper] -= amount;
                ghostEarningsWithdrawn += amount;
                _checkMovement(token.balanceOf(shopper), before + amount, "withdrawEarnings: received");
            }
        } catch (bytes memory reason) {
            _asPredicted(expectation, false, reason, "withdrawEarnings");
        }
    }

    /// @notice The admin pays the accrued fees to the fee recipient (refused when none accrued); anyone else
    /// is refused.
    function withdrawFees(uint256 callerSeed) external atCurrentTime {
        Expectation memory expectation;
        address caller = callerSeed % 3 == 0 ? admin : callerSeed % 3 == 1 ? shopperAt(callerSeed >> 2) : consumerAt(callerSeed >> 2);
        if (caller != admin) _allow(expectation, IAccessControl.AccessControlUnauthorizedAccount.selector);
        else if (ghostAccruedFees == 0) _allow(expectation, ICommonErrors.ZeroAmount.selector);
        address recipient = ghostFeeRecipient;
        uint256 amount = ghostAccruedFees;
        uint256 before = token.balanceOf(recipient);
        vm.prank(caller);
        try payments.withdrawFees() {
            if (_asPredicted(expectation, true, "", "withdrawFees")) {
                ghostFeesWithdrawn += amount;
                ghostAccruedFees = 0;
                _checkMovement(token.balanceOf(recipient), before + amount, "withdrawFees: received");
            }
        } catch (bytes memory reason) {
            _asPredicted(expectation, false, reason, "withdrawFees");
        }
    }

    /// @notice The admin sets the fee to 0 to MAX_FEE_BPS + 100 (above the maximum is refused), for one of two
    /// recipients.
    function setFee(uint256 bpsSeed, uint256 recipientSeed) external atCurrentTime {
        uint16 feeBps = uint16(bpsSeed.bound(0, uint256(maxFeeBps) + 100));
        address recipient = _named("fee recipient", recipientSeed % 2);
        Expectation memory expectation;
        if (feeBps > maxFeeBps) _allow(expectation, IDataAccessPayments.FeeTooHigh.selector);
        vm.prank(admin);
        try payments.setFee(recipient, feeBps) {
            if (_asPredicted(expectation, true, "", "setFee")) {
                ghostFeeBps = feeBps;
                ghostFeeRecipient = recipient;
            }
        } catch (bytes memory reason) {
            _asPredicted(expectation, false, reason, "setFee");
        }
    }

    // ─── What the invariants read ───────────────────────────────────────────────────────────────────────

    /// @notice The selectors of the actions above, for the runner to call.
    function actionSelectors() external pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](10);
        selectors[0] = this.grant.selector;
        selectors[1] = this.revoke.selector;
        selectors[2] = this.warp.selector;
        selectors[3] = this.deposit.selector;
        selectors[4] = this.withdrawDeposit.selector;
        selectors[5] = this.recordAccess.selector;
        selectors[6] = this.recordAccesses.selector;
        selectors[7] = this.withdrawEarnings.selector;
        selectors[8] = this.withdrawFees.selector;
        selectors[9] = this.setFee.selector;
    }

    /// @notice The consumer picked by `seed`.
    function consumerAt(uint256 seed) public pure returns (address) {
        return _named("consumer", seed % CONSUMER_COUNT);
    }

    /// @notice The shopper picked by `seed`.
    function shopperAt(uint256 seed) public pure returns (address) {
        return _named("shopper", seed % SHOPPER_COUNT);
    }

    /// @notice The scope picked by `seed`.
    function scopeAt(uint256 seed) public pure returns (bytes32) {
        return seed % SCOPE_COUNT == 0 ? keccak256("purchase-history") : keccak256("profile");
    }

    // ─── Recording ──────────────────────────────────────────────────────────────────────────────────────

    /// @dev A recording about to be made, as the model prices it.
    struct RecordPlan {
        address consumer;
        bytes32 scope;
        address[] shoppers;
        uint256 maxPrice;
        uint256 total;
        uint256 totalFee;
        uint256[] credits;
        bool registryAllActive;
        bool modelAllActive;
    }

    /// @dev Predicts a recording from the model (the first access without consent, then the first above the
    /// maximum, in batch order; then the deposit; then the fee slot), checks each access with the registry,
    /// calls, and on success books the amounts and checks them against the contract.
    function _record(address consumer, bytes32 scope, address[] memory shoppers, uint256 maxPrice, bool single)
        private
    {
        RecordPlan memory plan;
        (plan.consumer, plan.scope, plan.shoppers, plan.maxPrice) = (consumer, scope, shoppers, maxPrice);
        Expectation memory expectation = _predictRecording(plan);
        uint256 balanceBefore = token.balanceOf(address(payments));
        (bool succeeded, bytes memory reason) = _callRecord(plan, single);
        if (succeeded && !plan.registryAllActive) ghostPaidWithoutConsent += shoppers.length;
        if (succeeded && !plan.modelAllActive) ghostChargedInactiveConsent += shoppers.length;
        if (!_asPredicted(expectation, succeeded, reason, single ? "recordAccess" : "recordAccesses")) return;
        if (!succeeded) return;
        ghostSpent[consumer] += plan.total;
        ghostTotalSpent += plan.total;
        ghostTotalCredited += plan.total - plan.totalFee;
        ghostTotalFees += plan.totalFee;
        ghostAccruedFees += plan.totalFee;
        for (uint256 i; i < shoppers.length; ++i) {
            ghostEarnings[shoppers[i]] += plan.credits[i];
        }
        _checkMovement(token.balanceOf(address(payments)), balanceBefore, "record: contract balance");
        _checkMovement(payments.accruedFees(), ghostAccruedFees, "record: accrued fees");
    }

    function _predictRecording(RecordPlan memory plan) private returns (Expectation memory expectation) {
        uint256 length = plan.shoppers.length;
        plan.credits = new uint256[](length);
        if (length == 0) _allow(expectation, ICommonErrors.EmptyBatch.selector);
        for (uint256 i; i < length && expectation.count == 0; ++i) {
            GhostConsent memory consent = ghostConsents[plan.shoppers[i]][plan.consumer][plan.scope];
            if (!(consent.granted && currentTime < consent.expiresAt)) {
                ++ghostRefusedWithoutConsent;
                _allow(expectation, IDataAccessPayments.AccessWithoutConsent.selector);
            } else if (consent.price > plan.maxPrice) {
                _allow(expectation, IDataAccessPayments.PriceAboveMaximum.selector);
            } else {
                uint256 fee = uint256(consent.price) * ghostFeeBps / BPS;
                plan.credits[i] = consent.price - fee;
                plan.total += consent.price;
                plan.totalFee += fee;
            }
        }
        if (expectation.count == 0 && plan.total > _modelDeposit(plan.consumer)) {
            _allow(expectation, IDataAccessPayments.InsufficientDeposit.selector);
        }
        if (expectation.count == 0 && ghostAccruedFees + plan.totalFee > type(uint96).max) {
            _allow(expectation, IDataAccessPayments.FeesOverflow.selector);
        }
        // Independently of the prediction: is every access's consent active now, per the registry and per the
        // model's record of grants, revocations and expiries?
        plan.registryAllActive = true;
        plan.modelAllActive = true;
        for (uint256 i; i < length; ++i) {
            if (!registry.isConsentActive(plan.shoppers[i], plan.consumer, plan.scope)) {
                plan.registryAllActive = false;
            }
            GhostConsent memory consent = ghostConsents[plan.shoppers[i]][plan.consumer][plan.scope];
            if (!consent.granted || currentTime >= consent.expiresAt) plan.modelAllActive = false;
        }
    }

    function _callRecord(RecordPlan memory plan, bool single) private returns (bool succeeded, bytes memory reason) {
        vm.prank(plan.consumer);
        if (single) {
            try payments.recordAccess(plan.shoppers[0], plan.scope, plan.maxPrice) {
                succeeded = true;
            } catch (bytes memory data) {
                reason = data;
            }
        } else {
            try payments.recordAccesses(plan.scope, plan.shoppers, plan.maxPrice) {
                succeeded = true;
            } catch (bytes memory data) {
                reason = data;
            }
        }
    }

    /// @dev Unlimited, except one in six: one below the consent's price (refused unless the price is 0, where
    /// the maximum stays 0).
    function _maxPrice(address consumer, bytes32 scope, address shopper, uint256 maxSeed)
        private
        view
        returns (uint256)
    {
        if (maxSeed % 6 != 0) return type(uint256).max;
        uint96 price = ghostConsents[shopper][consumer][scope].price;
        return price == 0 ? 0 : price - 1;
    }

    function _modelDeposit(address consumer) private view returns (uint256) {
        return ghostDeposited[consumer] - ghostSpent[consumer] - ghostWithdrawn[consumer];
    }

    // ─── Outcomes ───────────────────────────────────────────────────────────────────────────────────────

    function _named(string memory name, uint256 index) private pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode(name, index)))));
    }
}
