// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {IRewardPolicies} from "../../../contracts/reward/IRewardPolicies.sol";
import {ICommonErrors} from "../../../contracts/common/ICommonErrors.sol";
import {IRewardToken} from "../../../contracts/reward/IRewardToken.sol";
import {RewardToken} from "../../../contracts/reward/RewardToken.sol";
import {CompactSignatures} from "../utils/CompactSignatures.sol";
import {FuzzBounds} from "../utils/FuzzBounds.sol";
import {Vm, VM_ADDRESS} from "../utils/Vm.sol";
import {VoucherDigests} from "../utils/VoucherDigests.sol";
import {PredictedOutcomes} from "./PredictedOutcomes.sol";

/// @title RewardTokenHandler
/// @notice The actions an invariant run performs on RewardToken, with bounded inputs, from three storefronts, three
/// shoppers and an outsider that never holds the issuer role; and ghost state that records what happened.
/// @dev Every action predicts from the ghost state whether the token must accept or reject it, then calls the
/// token in `try`: an outcome against the prediction is counted in `ghostUnexpectedOutcomes`, a mint by an account
/// without the issuer role in `ghostMintsWithoutIssuerRole`. Actions never revert, so a broken prediction is
/// reported by the invariants rather than lost among discarded reverts. Order numbers come from a small space
/// (0-599, crossing bitmap words at 256 and 512, plus the 300 largest) so orders repeat.
/// Program policies: storefronts set return windows (0 included) and clawback, so the issuing actions
/// leave points pending or open to clawback; further actions release (by the storefront at any time, by others
/// before or after the window), void, claw back, switch expiry and expire holders. The model keeps every order
/// issued under a policy (`PolicyOrder`), each holder's spendable balance and last activity, and predicts each
/// new action's exact error (`PredictedOutcomes`).
contract RewardTokenHandler is PredictedOutcomes {
    using FuzzBounds for uint256;

    /// @notice A storefront's order number.
    struct Order {
        address storefront;
        uint256 orderId;
    }

    /// @notice A clawback the handler is about to make, and what the model knows of its order.
    struct ClawbackCall {
        address storefront;
        address shopper;
        uint256 orderId;
        uint256 amount;
        uint256 open;
        uint256 held;
        bool stillPending;
    }

    /// @notice What the model knows of an order issued under a policy.
    /// @param shopper Who the order's points are for.
    /// @param issued Points issued for the order.
    /// @param voided Points voided while pending.
    /// @param released Points minted to the shopper (at release, or at issue without a window).
    /// @param clawedBack Points clawed back (burned or not).
    /// @param burnedByClawback Points the clawbacks actually burned.
    /// @param releaseTime When anyone may release the order.
    /// @param releaseCount Successful releases (and mints at issue) of the order.
    /// @param clawbackAllowed Whether the order was issued with clawback.
    /// @param isReleased Whether the order's points were minted.
    struct PolicyOrder {
        address shopper;
        uint256 issued;
        uint256 voided;
        uint256 released;
        uint256 clawedBack;
        uint256 burnedByClawback;
        uint256 releaseTime;
        uint256 releaseCount;
        bool clawbackAllowed;
        bool isReleased;
    }

    Vm private constant vm = Vm(VM_ADDRESS);

    /// @notice The cap every storefront gets per period.
    uint256 public constant CAP_PER_PERIOD = 3_000e18;
    /// @notice The period length every storefront gets.
    uint256 public constant CAP_PERIOD = 1 days;
    /// @notice The global supply cap.
    uint256 public constant SUPPLY_CAP = 6_000e18;

    uint256 private constant MAX_AMOUNT = 1_000e18;
    uint256 private constant MAX_BATCH_LENGTH = 5;
    uint256 private constant MAX_RANGE_LENGTH = 8;
    uint256 private constant ACTOR_COUNT = 3;
    uint256 private constant LOW_ORDER_IDS = 600;
    uint256 private constant HIGH_ORDER_IDS = 300;
    uint256 private constant MAX_TIME_STEP = 2 days;
    uint256 private constant FIRST_STOREFRONT_KEY = 0x5701;
    uint256 private constant OUTSIDER_KEY = 0x0B57;
    uint256 private constant MAX_WINDOW = 3 days;
    uint256 private constant MAX_EXPIRY_PERIOD = 4 days;
    uint256 private constant MAX_RELEASE_BATCH = 3;

    RewardToken public immutable token;
    address public immutable admin;
    /// @notice An account that never holds the issuer role; it still tries to issue and to sign vouchers.
    address public immutable outsider;
    bytes32 private immutable issuerRole;

    address[] private storefronts;
    address[] private shoppers;

    /// @notice The timestamp of the run: every action and every invariant check happens at it.
    uint256 public currentTime;

    /// @notice All points minted by successful calls (pending points only once released).
    uint256 public ghostMinted;
    /// @notice All points burned by successful redemptions, clawbacks and expiries.
    uint256 public ghostBurned;
    /// @notice Successful issuance calls (any kind) by accounts that did not hold the issuer role at the time.
    uint256 public ghostMintsWithoutIssuerRole;
    /// @notice Successful claims of vouchers signed by someone other than the storefront they name.
    uint256 public ghostForgedVoucherClaims;
    /// @notice Points pending (issued under a return window, neither released nor voided).
    uint256 public ghostPending;
    /// @notice Successful releases before the release time by someone other than the storefront.
    uint256 public ghostEarlyReleasesByOthers;
    /// @notice Holders whose points a successful expire burned before their deadline (as the model and the token's
    /// view gave it at the time of the call).
    uint256 public ghostExpiredBeforeDeadline;
    /// @notice Holders whose points were expired.
    uint256 public ghostExpiries;
    /// @notice All points expiry burned.
    uint256 public ghostExpiryBurned;
    /// @notice Points clawed back that the shoppers no longer held.
    uint256 public ghostClawbackShortfall;
    /// @notice The expiry period as the admin set it (0: off).
    uint256 public ghostExpiryPeriod;
    /// @notice When the admin last switched expiry on (or set it while it was off).
    uint256 public ghostExpiryStart;

    /// @notice How many times each order was rewarded.
    mapping(address storefront => mapping(uint256 orderId => uint256 count)) public ghostRewardCount;
    /// @notice Points each storefront issued per aligned period.
    mapping(address storefront => mapping(uint256 periodStart => uint256 issued)) public ghostIssuedInPeriod;
    /// @notice Whether each storefront holds the issuer role, as the admin's grants and revocations left it.
    mapping(address storefront => bool) public ghostIsIssuer;

    /// @notice Each storefront's policy as it set it.
    mapping(address storefront => uint256) public ghostReturnWindow;
    mapping(address storefront => bool) public ghostClawbackAllowed;
    /// @notice The spendable balance of each account: pending points never count.
    mapping(address account => uint256) public ghostBalance;
    /// @notice When each account's balance last changed while expiry was on.
    mapping(address account => uint256) public ghostLastActivity;

    mapping(address storefront => mapping(uint256 orderId => PolicyOrder)) private policyOrder;
    Order[] private policyOrders;
    Order[] private touchedOrders;
    mapping(address storefront => mapping(uint256 orderId => bool)) private isTouched;
    address[] private holders;
    mapping(address account => bool) private isHolder;

    /// @dev Keeps every action at the run's own clock, whatever the runner does with the block between calls.
    modifier atCurrentTime() {
        vm.warp(currentTime);
        _;
    }

    /// @notice Sets up actors for `token`; the test grants the storefronts their role and cap (see `storefrontAt`).
    constructor(RewardToken token_, address admin_, uint256 startTime) {
        token = token_;
        admin = admin_;
        currentTime = startTime;
        issuerRole = token_.ISSUER_ROLE();
        outsider = vm.addr(OUTSIDER_KEY);
        for (uint256 i; i < ACTOR_COUNT; ++i) {
            address storefront = vm.addr(FIRST_STOREFRONT_KEY + i);
            storefronts.push(storefront);
            ghostIsIssuer[storefront] = true;
            shoppers.push(address(uint160(uint256(keccak256(abi.encode("shopper", i))))));
        }
    }

    // ─── Actions ────────────────────────────────────────────────────────────────────────────────────────

    /// @notice A storefront issues points for one order.
    function issue(uint256 storefrontSeed, uint256 shopperSeed, uint256 orderSeed, uint256 amountSeed)
        external
        atCurrentTime
    {
        address storefront = _storefront(storefrontSeed);
        address shopper = _shopper(shopperSeed);
        uint256 orderId = _orderId(orderSeed);
        uint256 amount = amountSeed.bound(1, MAX_AMOUNT);
        bool expected = _mayIssue(storefront, amount) && ghostRewardCount[storefront][orderId] == 0;

        bool succeeded;
        vm.prank(storefront);
        try token.issue(shopper, orderId, amount) {
            succeeded = true;
            _recordIssued(storefront, amount);
            _recordReward(storefront, orderId, shopper, amount);
        } catch {}
        _touch(storefront, orderId);
        _checkOutcome(expected, succeeded, "issue");
    }

    /// @notice A storefront issues points for a batch of orders; the order ids lie close together, so a batch
    /// sometimes repeats an order.
    function issueBatch(uint256 storefrontSeed, uint256 orderSeed, uint256 lengthSeed, uint256 seed)
        external
        atCurrentTime
    {
        address storefront = _storefront(storefrontSeed);
        uint256 length = lengthSeed.bound(1, MAX_BATCH_LENGTH);
        uint256 firstOrderId = _orderId(orderSeed);
        (address[] memory batchShoppers, uint256[] memory amounts, uint256 total) = _shoppersAndAmounts(length, seed);
        uint256[] memory orderIds = new uint256[](length);
        bool ordersFresh = true;
        for (uint256 i; i < length; ++i) {
            unchecked {
                orderIds[i] = firstOrderId + seed.derive(100 + i) % (2 * MAX_BATCH_LENGTH);
            }
            if (ghostRewardCount[storefront][orderIds[i]] != 0) ordersFresh = false;
            for (uint256 j; j < i; ++j) {
                if (orderIds[j] == orderIds[i]) ordersFresh = false;
            }
        }
        bool expected = ordersFresh && _mayIssue(storefront, total);

        bool succeeded;
        vm.prank(storefront);
        try token.issueBatch(batchShoppers, orderIds, amounts) {
            succeeded = true;
            _recordIssued(storefront, total);
            for (uint256 i; i < length; ++i) {
                _recordReward(storefront, orderIds[i], batchShoppers[i], amounts[i]);
            }
        } catch {}
        for (uint256 i; i < length; ++i) {
            _touch(storefront, orderIds[i]);
        }
        _checkOutcome(expected, succeeded, "issueBatch");
    }

    /// @notice A storefront issues points for consecutive orders; ranges near the largest order id may overflow.
    function issueForOrderRange(uint256 storefrontSeed, uint256 orderSeed, uint256 countSeed, uint256 seed)
        external
        atCurrentTime
    {
        address storefront = _storefront(storefrontSeed);
        uint256 count = countSeed.bound(1, MAX_RANGE_LENGTH);
        uint256 firstOrderId = _orderId(orderSeed);
        (address[] memory rangeShoppers, uint256[] memory amounts, uint256 total) = _shoppersAndAmounts(count, seed);
        bool fits = firstOrderId <= type(uint256).max - (count - 1);
        // Past the largest order id only the orders that exist are looked at (and touched).
        uint256 existing = fits ? count : type(uint256).max - firstOrderId + 1;
        bool ordersFresh = true;
        for (uint256 i; i < existing; ++i) {
            if (ghostRewardCount[storefront][firstOrderId + i] != 0) ordersFresh = false;
        }
        bool expected = fits && ordersFresh && _mayIssue(storefront, total);

        bool succeeded;
        vm.prank(storefront);
        try token.issueForOrderRange(firstOrderId, rangeShoppers, amounts) {
            succeeded = true;
            _recordIssued(storefront, total);
            for (uint256 i; i < count; ++i) {
                _recordReward(storefront, firstOrderId + i, rangeShoppers[i], amounts[i]);
            }
        } catch {}
        for (uint256 i; i < existing; ++i) {
            _touch(storefront, firstOrderId + i);
        }
        _checkOutcome(expected, succeeded, "issueForOrderRange");
    }

    /// @notice Anyone submits a voucher signed by the storefront it names; one in eight is already expired.
    function claimVoucher(
        uint256 storefrontSeed,
        uint256 shopperSeed,
        uint256 orderSeed,
        uint256 amountSeed,
        uint256 deadlineSeed,
        address relayer
    ) external atCurrentTime {
        uint256 storefrontIndex = storefrontSeed % ACTOR_COUNT;
        address storefront = storefronts[storefrontIndex];
        bool expired = deadlineSeed % 8 == 0;
        IRewardToken.RewardVoucher memory voucher = IRewardToken.RewardVoucher({
            shopper: _shopper(shopperSeed),
            amount: amountSeed.bound(1, MAX_AMOUNT),
            storefront: storefront,
            orderId: _orderId(orderSeed),
            deadline: expired ? currentTime - 1 - deadlineSeed % 1 days : currentTime + deadlineSeed % (2 days)
        });
        (bytes32 r, bytes32 vs) = _sign(FIRST_STOREFRONT_KEY + storefrontIndex, voucher);
        bool expected =
            !expired && _mayIssue(storefront, voucher.amount) && ghostRewardCount[storefront][voucher.orderId] == 0;

        bool succeeded;
        vm.prank(relayer);
        try token.claimVoucher(voucher, r, vs) {
            succeeded = true;
            _recordIssued(storefront, voucher.amount);
            _recordReward(storefront, voucher.orderId, voucher.shopper, voucher.amount);
        } catch {}
        _touch(storefront, voucher.orderId);
        _checkOutcome(expected, succeeded, "claimVoucher");
    }

    /// @notice The outsider signs a voucher naming a storefront and submits it: it must always be rejected.
    function claimForgedVoucher(uint256 storefrontSeed, uint256 orderSeed, uint256 amountSeed)
        external
        atCurrentTime
    {
        address storefront = _storefront(storefrontSeed);
        IRewardToken.RewardVoucher memory voucher = IRewardToken.RewardVoucher({
            shopper: outsider,
            amount: amountSeed.bound(1, MAX_AMOUNT),
            storefront: storefront,
            orderId: _orderId(orderSeed),
            deadline: currentTime + 1 days
        });
        (bytes32 r, bytes32 vs) = _sign(OUTSIDER_KEY, voucher);

        vm.prank(outsider);
        try token.claimVoucher(voucher, r, vs) {
            ++ghostForgedVoucherClaims;
            _recordIssued(storefront, voucher.amount);
            _recordReward(storefront, voucher.orderId, outsider, voucher.amount);
        } catch {}
        _touch(storefront, voucher.orderId);
    }

    /// @notice The outsider, which never held the issuer role, tries each way of issuing: all must revert.
    function issueAsOutsider(uint256 kindSeed, uint256 orderSeed, uint256 amountSeed) external atCurrentTime {
        uint256 orderId = _orderId(orderSeed);
        uint256 amount = amountSeed.bound(1, MAX_AMOUNT);
        address[] memory recipients = new address[](1);
        recipients[0] = outsider;
        uint256[] memory orderIds = new uint256[](1);
        orderIds[0] = orderId;
        uint256[] memory amounts = new uint256[](1);
        amounts[0] = amount;

        uint256 kind = kindSeed % 3;
        bool succeeded = true;
        vm.prank(outsider);
        if (kind == 0) {
            try token.issue(outsider, orderId, amount) {} catch { succeeded = false; }
        } else if (kind == 1) {
            try token.issueBatch(recipients, orderIds, amounts) {} catch { succeeded = false; }
        } else {
            try token.issueForOrderRange(orderId, recipients, amounts) {} catch { succeeded = false; }
        }
        if (succeeded) {
            _recordIssued(outsider, amount);
            _recordReward(outsider, orderId, outsider, amount);
        }
        _touch(outsider, orderId);
    }

    /// @notice A holder redeems points at a storefront: zero, part, all or more than its balance.
    function redeem(uint256 holderSeed, uint256 storefrontSeed, uint256 amountSeed) external atCurrentTime {
        address holder = _anyActor(holderSeed);
        uint256 balance = token.balanceOf(holder);
        uint256 amount = amountSeed.bound(0, balance + 1);
        bool expected = amount != 0 && amount <= balance;

        bool succeeded;
        vm.prank(holder);
        try token.redeem(_storefront(storefrontSeed), amount, bytes32(amountSeed)) {
            succeeded = true;
            _burnModel(holder, amount);
        } catch {}
        _checkOutcome(expected, succeeded, "redeem");
    }

    /// @notice A holder transfers up to its balance to any actor.
    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amountSeed) external atCurrentTime {
        address from = _anyActor(fromSeed);
        address to = _anyActor(toSeed);
        uint256 amount = amountSeed.bound(0, token.balanceOf(from));

        bool succeeded;
        vm.prank(from);
        try token.transfer(to, amount) returns (bool ok) {
            succeeded = ok;
            _noteHolder(to);
            if (ok) _transferModel(from, to, amount);
        } catch {}
        _checkOutcome(true, succeeded, "transfer");
    }

    /// @notice Time moves forward by up to two days (two cap periods).
    function warp(uint256 secondsSeed) external {
        currentTime += secondsSeed.bound(1, MAX_TIME_STEP);
        vm.warp(currentTime);
    }

    /// @notice The admin revokes a storefront's issuer role.
    function revokeIssuer(uint256 storefrontSeed) external atCurrentTime {
        address storefront = _storefront(storefrontSeed);
        bool succeeded;
        vm.prank(admin);
        try token.revokeRole(issuerRole, storefront) {
            succeeded = true;
            ghostIsIssuer[storefront] = false;
        } catch {}
        _checkOutcome(true, succeeded, "revokeIssuer");
    }

    /// @notice The admin grants a storefront the issuer role (again).
    function grantIssuer(uint256 storefrontSeed) external atCurrentTime {
        address storefront = _storefront(storefrontSeed);
        bool succeeded;
        vm.prank(admin);
        try token.grantRole(issuerRole, storefront) {
            succeeded = true;
            ghostIsIssuer[storefront] = true;
        } catch {}
        _checkOutcome(true, succeeded, "grantIssuer");
    }

    // ─── Program policy actions ─────────────────────────────────────────────────────────────────────────

    /// @notice A storefront sets its policy: no window (one time in four), a window of up to three days, or (one
    /// time in eight) one longer than the longest allowed; clawback on or off.
    function setStorefrontPolicy(uint256 storefrontSeed, uint256 windowSeed, bool clawbackAllowed)
        external
        atCurrentTime
    {
        address storefront = _storefront(storefrontSeed);
        uint256 mode = windowSeed % 8;
        uint256 window;
        if (mode == 7) window = uint256(token.MAX_RETURN_WINDOW()) + 1 + (windowSeed >> 3) % 1000;
        else if (mode >= 2) window = (windowSeed >> 3).bound(1, MAX_WINDOW);
        _setPolicy(storefront, window, clawbackAllowed);
    }

    /// @notice A storefront sets a valid policy and issues one order under it.
    function issueUnderPolicy(
        uint256 storefrontSeed,
        uint256 shopperSeed,
        uint256 orderSeed,
        uint256 amountSeed,
        uint256 windowSeed,
        bool clawbackAllowed
    ) external atCurrentTime {
        address storefront = _storefront(storefrontSeed);
        uint256 window = windowSeed % 4 == 0 ? 0 : (windowSeed >> 2).bound(1, MAX_WINDOW);
        _setPolicy(storefront, window, clawbackAllowed);

        address shopper = _shopper(shopperSeed);
        uint256 orderId = _orderId(orderSeed);
        uint256 amount = amountSeed.bound(1, MAX_AMOUNT);
        bool expected = _mayIssue(storefront, amount) && ghostRewardCount[storefront][orderId] == 0;
        uint256 supplyBefore = token.totalSupply();
        bool succeeded;
        vm.prank(storefront);
        try token.issue(shopper, orderId, amount) {
            succeeded = true;
            _recordIssued(storefront, amount);
            _recordReward(storefront, orderId, shopper, amount);
            _checkMovement(token.totalSupply() - supplyBefore, window == 0 ? amount : 0, "issueUnderPolicy: minted");
            IRewardPolicies.RecordedOrder memory record = token.recordedOrder(storefront, shopper, orderId);
            _checkMovement(
                record.points, ghostReturnWindow[storefront] != 0 || ghostClawbackAllowed[storefront] ? amount : 0,
                "issueUnderPolicy: recorded points"
            );
            _checkMovement(record.releaseTime, policyOrder[storefront][orderId].releaseTime, "issueUnderPolicy: release time");
        } catch {}
        _touch(storefront, orderId);
        _checkOutcome(expected, succeeded, "issueUnderPolicy");
    }

    /// @notice The storefront, the order's shopper or the outsider releases one to three orders of one storefront
    /// (sometimes first moving time to the first order's release time, or to just before it); batches may repeat an order, name another
    /// storefront's order or the wrong shopper.
    function release(uint256 orderSeed, uint256 callerSeed, uint256 countSeed, uint256 seed) external {
        if (policyOrders.length == 0) return;
        Order memory first = _pickOrder(orderSeed, false);
        address storefront = first.storefront;
        _warpNear(policyOrder[storefront][first.orderId].releaseTime, seed);
        vm.warp(currentTime);

        uint256 count = countSeed.bound(1, MAX_RELEASE_BATCH);
        address[] memory batchShoppers = new address[](count);
        uint256[] memory orderIds = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            Order memory picked = i == 0 ? first : policyOrders[seed.derive(i) % policyOrders.length];
            orderIds[i] = picked.orderId;
            batchShoppers[i] = seed.derive(i + 10) % 8 == 0
                ? _shopper(seed.derive(i + 20))
                : policyOrder[picked.storefront][picked.orderId].shopper;
        }
        uint256 callerMode = callerSeed % 3;
        address caller = callerMode == 0 ? storefront : callerMode == 1 ? batchShoppers[0] : outsider;

        (Expectation memory expectation, uint256[] memory releases, uint256 total) =
            _predictRelease(storefront, caller, batchShoppers, orderIds);
        uint256 supplyBefore = token.totalSupply();
        bool succeeded;
        bytes memory reason;
        vm.prank(caller);
        try token.release(storefront, batchShoppers, orderIds) {
            succeeded = true;
        } catch (bytes memory data) {
            reason = data;
        }
        _asPredicted(expectation, succeeded, reason, "release");
        // The model follows what the token did, so a success against the prediction shows in the invariants too.
        if (!succeeded) return;
        _checkMovement(token.totalSupply() - supplyBefore, total, "release: minted");
        for (uint256 i; i < count; ++i) {
            if (releases[i] == 0) continue;
            PolicyOrder storage order = policyOrder[storefront][orderIds[i]];
            if (currentTime < order.releaseTime && (caller != storefront || !ghostIsIssuer[storefront])) {
                ++ghostEarlyReleasesByOthers;
            }
            order.isReleased = true;
            order.released = releases[i];
            ++order.releaseCount;
            ghostPending -= releases[i] < ghostPending ? releases[i] : ghostPending;
            _mintModel(batchShoppers[i], releases[i]);
        }
    }

    /// @notice A storefront voids part, all, more than all or none of an order's pending points; one time in five
    /// another storefront tries it.
    function voidPending(uint256 orderSeed, uint256 callerSeed, uint256 amountSeed) external atCurrentTime {
        if (policyOrders.length == 0) return;
        Order memory picked = _pickOrder(orderSeed, false);
        address storefront = callerSeed % 5 == 0 ? _storefront(callerSeed >> 3) : picked.storefront;
        address shopper = policyOrder[picked.storefront][picked.orderId].shopper;
        uint256 pending = _pendingOf(storefront, shopper, picked.orderId);
        uint256 amount = _amountAround(amountSeed, pending);

        Expectation memory expectation = _none();
        if (amount == 0) _allow(expectation, ICommonErrors.ZeroAmount.selector);
        else if (!ghostIsIssuer[storefront]) _allow(expectation, IAccessControl.AccessControlUnauthorizedAccount.selector);
        else if (pending == 0) _allow(expectation, IRewardPolicies.OrderNotPending.selector);
        else if (amount > pending) _allow(expectation, IRewardPolicies.VoidExceedsPending.selector);

        bool succeeded;
        bytes memory reason;
        vm.prank(storefront);
        try token.voidPending(shopper, picked.orderId, amount) {
            succeeded = true;
        } catch (bytes memory data) {
            reason = data;
        }
        _asPredicted(expectation, succeeded, reason, "voidPending");
        // The model follows what the token did, so a success against the prediction shows in the invariants too.
        if (!succeeded) return;
        policyOrder[storefront][picked.orderId].voided += amount;
        ghostPending -= amount < ghostPending ? amount : ghostPending;
        _checkMovement(
            token.recordedOrder(storefront, shopper, picked.orderId).points,
            amount < pending ? pending - amount : 0,
            "voidPending: remaining"
        );
    }

    /// @notice A storefront claws back part, all, more than all or none of what is open of an order; one time in
    /// five another storefront tries it. The shopper may have spent or moved the points.
    function clawback(uint256 orderSeed, uint256 callerSeed, uint256 amountSeed) external atCurrentTime {
        if (policyOrders.length == 0) return;
        ClawbackCall memory call = _clawbackCall(orderSeed, callerSeed, amountSeed);
        // One time in three the shopper first gives part or all of its points to another shopper, so the clawback
        // may find less than it asks for.
        if (amountSeed.derive(9) % 3 == 0 && call.shopper != address(0)) {
            _giveAway(call.shopper, _shopper(amountSeed.derive(10)), amountSeed.derive(11).bound(0, call.held));
            call.held = ghostBalance[call.shopper];
        }
        Expectation memory expectation = _none();
        if (call.amount == 0) _allow(expectation, ICommonErrors.ZeroAmount.selector);
        else if (!ghostIsIssuer[call.storefront]) {
            _allow(expectation, IAccessControl.AccessControlUnauthorizedAccount.selector);
        } else if (call.stillPending) _allow(expectation, IRewardPolicies.OrderStillPending.selector);
        else if (call.open == 0) _allow(expectation, IRewardPolicies.OrderNotClawbackable.selector);
        else if (call.amount > call.open) _allow(expectation, IRewardPolicies.ClawbackExceedsOrder.selector);

        uint256 supplyBefore = token.totalSupply();
        bool succeeded;
        bytes memory reason;
        vm.prank(call.storefront);
        try token.clawback(call.shopper, call.orderId, call.amount) {
            succeeded = true;
        } catch (bytes memory data) {
            reason = data;
        }
        _asPredicted(expectation, succeeded, reason, "clawback");
        // The model follows what the token did, so a success against the prediction shows in the invariants too.
        if (!succeeded) return;
        // Burns what the shopper holds, up to the amount; the rest is shortfall. The amount counts in full.
        uint256 burned = call.amount < call.held ? call.amount : call.held;
        _checkMovement(supplyBefore - token.totalSupply(), burned, "clawback: burned");
        PolicyOrder storage order = policyOrder[call.storefront][call.orderId];
        order.clawedBack += call.amount;
        order.burnedByClawback += burned;
        ghostClawbackShortfall += call.amount - burned;
        _burnModel(call.shopper, burned);
        _checkMovement(
            token.recordedOrder(call.storefront, call.shopper, call.orderId).points,
            call.amount < call.open ? call.open - call.amount : 0,
            "clawback: still open"
        );
    }

    /// @notice The admin switches expiry off (one time in six), sets a period of one to four days, or tries an
    /// invalid one (one time in six).
    function setExpiryPeriod(uint256 periodSeed) external atCurrentTime {
        uint256 mode = periodSeed % 6;
        uint256 period;
        if (mode == 1) {
            period = (periodSeed >> 3) % 2 == 0
                ? (periodSeed >> 4).bound(1, 1 days - 1)
                : (periodSeed >> 4).bound(uint256(type(uint32).max) + 1, type(uint256).max);
        } else if (mode != 0) {
            period = (periodSeed >> 3).bound(1 days, MAX_EXPIRY_PERIOD);
        }
        Expectation memory expectation = _none();
        if (mode == 1) _allow(expectation, IRewardPolicies.InvalidExpiryPeriod.selector);

        bool succeeded;
        bytes memory reason;
        vm.prank(admin);
        try token.setExpiryPeriod(period) {
            succeeded = true;
        } catch (bytes memory data) {
            reason = data;
        }
        _asPredicted(expectation, succeeded, reason, "setExpiryPeriod");
        // The model follows what the token did, so a success against the prediction shows in the invariants too.
        if (!succeeded) return;
        if (ghostExpiryPeriod == 0) ghostExpiryStart = currentTime;
        ghostExpiryPeriod = period;
        _checkMovement(token.expiryPeriod(), period, "setExpiryPeriod: period");
    }

    /// @notice Anyone expires one or two actors (sometimes first moving time to the first one's deadline, or to just
    /// before it).
    function expire(uint256 holderSeed, uint256 countSeed, uint256 seed) external {
        address firstHolder = _anyActor(holderSeed);
        if (ghostExpiryPeriod != 0) _warpNear(_deadline(firstHolder), seed);
        vm.warp(currentTime);
        uint256 count = countSeed.bound(1, 2);
        address[] memory expiring = new address[](count);
        uint256[] memory deadlines = new uint256[](count);
        uint256[] memory viewDeadlines = new uint256[](count);
        uint256[] memory balances = new uint256[](count);
        Expectation memory expectation = _none();
        if (ghostExpiryPeriod == 0) _allow(expectation, IRewardPolicies.ExpiryOff.selector);
        for (uint256 i; i < count; ++i) {
            expiring[i] = i == 0 ? firstHolder : _anyActor(seed.derive(i));
            balances[i] = ghostBalance[expiring[i]];
            if (i == 1 && expiring[1] == expiring[0]) balances[i] = 0;
            deadlines[i] = _deadline(expiring[i]);
            if (ghostExpiryPeriod != 0 && ghostBalance[expiring[i]] != 0) {
                // The token's view at call time must agree with the model's deadline.
                _checkMovement(token.pointsExpireAt(expiring[i]), deadlines[i], "pointsExpireAt");
                viewDeadlines[i] = token.pointsExpireAt(expiring[i]);
            }
        }

        uint256 supplyBefore = token.totalSupply();
        bool succeeded;
        bytes memory reason;
        try token.expire(expiring) {
            succeeded = true;
        } catch (bytes memory data) {
            reason = data;
        }
        _asPredicted(expectation, succeeded, reason, "expire");
        // The model follows what the token did, so a success against the prediction shows in the invariants too.
        if (!succeeded) return;
        uint256 burned;
        for (uint256 i; i < count; ++i) {
            if (balances[i] == 0) continue;
            // What the token did, against both the model's deadline and the token's own view of it at call time.
            bool due = currentTime >= deadlines[i] && currentTime >= viewDeadlines[i];
            bool expired = token.balanceOf(expiring[i]) == 0;
            if (expired && !due) ++ghostExpiredBeforeDeadline;
            if (!expired) {
                // Skipped: only a holder not yet due may be.
                _checkMovement(due ? 1 : 0, 0, "expire: skipped a due holder");
                continue;
            }
            ++ghostExpiries;
            ghostExpiryBurned += balances[i];
            burned += balances[i];
            _burnModel(expiring[i], balances[i]);
            _checkMovement(token.balanceOf(expiring[i]), 0, "expire: balance left");
        }
        _checkMovement(supplyBefore - token.totalSupply(), burned, "expire: burned");
    }

    // ─── What the invariants read ───────────────────────────────────────────────────────────────────────

    /// @notice The selectors of the actions above, for the runner to call.
    function actionSelectors() external pure returns (bytes4[] memory selectors) {
        selectors = new bytes4[](18);
        selectors[0] = this.issue.selector;
        selectors[1] = this.issueBatch.selector;
        selectors[2] = this.issueForOrderRange.selector;
        selectors[3] = this.claimVoucher.selector;
        selectors[4] = this.claimForgedVoucher.selector;
        selectors[5] = this.issueAsOutsider.selector;
        selectors[6] = this.redeem.selector;
        selectors[7] = this.transfer.selector;
        selectors[8] = this.warp.selector;
        selectors[9] = this.revokeIssuer.selector;
        selectors[10] = this.grantIssuer.selector;
        selectors[11] = this.setStorefrontPolicy.selector;
        selectors[12] = this.issueUnderPolicy.selector;
        selectors[13] = this.release.selector;
        selectors[14] = this.voidPending.selector;
        selectors[15] = this.clawback.selector;
        selectors[16] = this.setExpiryPeriod.selector;
        selectors[17] = this.expire.selector;
    }

    /// @notice Every order issued under a policy (pending, open to clawback, or closed), in issue order.
    function allPolicyOrders() external view returns (Order[] memory) {
        return policyOrders;
    }

    /// @notice What the model knows of the storefront's order issued under a policy.
    function orderModel(address storefront, uint256 orderId) external view returns (PolicyOrder memory) {
        return policyOrder[storefront][orderId];
    }

    /// @notice The storefront with index `index` (0 to 2).
    function storefrontAt(uint256 index) external view returns (address) {
        return storefronts[index];
    }

    /// @notice How many storefronts there are.
    function storefrontCount() external pure returns (uint256) {
        return ACTOR_COUNT;
    }

    /// @notice Every account that ever received points.
    function allHolders() external view returns (address[] memory) {
        return holders;
    }

    /// @notice Every order any action issued, tried to issue, or found in a range it tried.
    function allTouchedOrders() external view returns (Order[] memory) {
        return touchedOrders;
    }

    /// @notice The start of the aligned period containing the run's current time.
    function currentPeriodStart() public view returns (uint256) {
        return currentTime - currentTime % CAP_PERIOD;
    }

    // ─── Internals ──────────────────────────────────────────────────────────────────────────────────────

    /// @dev Whether the model lets `storefront` issue `amount` now: role, cap of the period and supply cap, which
    /// counts the points pending beside the supply whether the new points are minted or stay pending.
    function _mayIssue(address storefront, uint256 amount) private view returns (bool) {
        return ghostIsIssuer[storefront]
            && ghostIssuedInPeriod[storefront][currentPeriodStart()] + amount <= CAP_PER_PERIOD
            && ghostMinted - ghostBurned + ghostPending + amount <= SUPPLY_CAP;
    }

    /// @dev Counts an issue against the storefront's period; what it mints is counted by `_recordReward`.
    function _recordIssued(address storefront, uint256 amount) private {
        if (!ghostIsIssuer[storefront]) ++ghostMintsWithoutIssuerRole;
        ghostIssuedInPeriod[storefront][currentPeriodStart()] += amount;
    }

    /// @dev An order was rewarded `amount` points: minted at once without a policy, otherwise recorded as the
    /// storefront's policy says (pending through its window, or minted and open to clawback).
    function _recordReward(address storefront, uint256 orderId, address shopper, uint256 amount) private {
        ++ghostRewardCount[storefront][orderId];
        _noteHolder(shopper);
        uint256 window = ghostReturnWindow[storefront];
        bool clawbackAllowed = ghostClawbackAllowed[storefront];
        if (window == 0 && !clawbackAllowed) return _mintModel(shopper, amount);
        PolicyOrder storage order = policyOrder[storefront][orderId];
        order.shopper = shopper;
        order.issued = amount;
        order.releaseTime = currentTime + window;
        order.clawbackAllowed = clawbackAllowed;
        policyOrders.push(Order(storefront, orderId));
        if (window == 0) {
            order.isReleased = true;
            order.released = amount;
            ++order.releaseCount;
            _mintModel(shopper, amount);
        } else {
            ghostPending += amount;
        }
    }

    function _mintModel(address holder, uint256 amount) private {
        ghostMinted += amount;
        ghostBalance[holder] += amount;
        _activity(holder);
    }

    /// @dev A burn of nothing (a clawback with only shortfall) changes no balance and is no activity.
    function _burnModel(address holder, uint256 amount) private {
        if (amount == 0) return;
        ghostBurned += amount;
        ghostBalance[holder] -= amount;
        _activity(holder);
    }

    /// @dev Any transfer, even of nothing, is activity of both sides.
    function _transferModel(address from, address to, uint256 amount) private {
        ghostBalance[from] -= amount;
        ghostBalance[to] += amount;
        // Only a real balance change is activity: a zero or self transfer is none.
        if (amount == 0 || from == to) return;
        _activity(from);
        _activity(to);
    }

    function _activity(address holder) private {
        if (ghostExpiryPeriod != 0) ghostLastActivity[holder] = currentTime;
    }

    /// @dev When the model says `holder`'s points expire: max(last activity, expiry start) + period.
    function _deadline(address holder) private view returns (uint256) {
        uint256 last = ghostLastActivity[holder];
        if (last < ghostExpiryStart) last = ghostExpiryStart;
        return last + ghostExpiryPeriod;
    }

    /// @dev The points pending for (storefront, shopper, orderId) in the model; 0 when there is no such order.
    function _pendingOf(address storefront, address shopper, uint256 orderId) private view returns (uint256) {
        PolicyOrder storage order = policyOrder[storefront][orderId];
        if (order.shopper != shopper || shopper == address(0) || order.isReleased) return 0;
        return order.issued - order.voided;
    }

    /// @dev Sets `storefront`'s policy, predicting ReturnWindowTooLong and the missing issuer role.
    function _setPolicy(address storefront, uint256 window, bool clawbackAllowed) private {
        Expectation memory expectation = _none();
        if (window > token.MAX_RETURN_WINDOW()) _allow(expectation, IRewardPolicies.ReturnWindowTooLong.selector);
        else if (!ghostIsIssuer[storefront]) _allow(expectation, IAccessControl.AccessControlUnauthorizedAccount.selector);
        bool succeeded;
        bytes memory reason;
        vm.prank(storefront);
        try token.setStorefrontPolicy(uint32(window), clawbackAllowed) {
            succeeded = true;
        } catch (bytes memory data) {
            reason = data;
        }
        _asPredicted(expectation, succeeded, reason, "setStorefrontPolicy");
        // The model follows what the token did, so a success against the prediction shows in the invariants too.
        if (!succeeded) return;
        ghostReturnWindow[storefront] = window;
        ghostClawbackAllowed[storefront] = clawbackAllowed;
    }

    /// @dev An order issued under a policy: three times in four the first, from a random start, that is still
    /// pending (or, with `openToClawback`, released and open to clawback) if there is one; otherwise any.
    function _pickOrder(uint256 seed, bool openToClawback) private view returns (Order memory) {
        uint256 length = policyOrders.length;
        uint256 start = seed % length;
        if (seed.derive(7) % 4 != 0) {
            for (uint256 k; k < length; ++k) {
                Order memory candidate = policyOrders[(start + k) % length];
                PolicyOrder storage order = policyOrder[candidate.storefront][candidate.orderId];
                bool fits = openToClawback
                    ? order.isReleased && order.clawbackAllowed && order.released > order.clawedBack
                    : !order.isReleased && order.issued > order.voided;
                if (fits) return candidate;
            }
        }
        return policyOrders[start];
    }

    /// @dev `from` transfers `amount` (at most its balance) to `to`; it must succeed.
    function _giveAway(address from, address to, uint256 amount) private {
        bool succeeded;
        vm.prank(from);
        try token.transfer(to, amount) returns (bool ok) {
            succeeded = ok;
            _noteHolder(to);
            if (ok) _transferModel(from, to, amount);
        } catch {}
        _checkOutcome(true, succeeded, "transfer before clawback");
    }

    /// @dev Moves the run's clock forward: one time in three to `target` (or a second after it), one time in three
    /// to the second before it; never back.
    function _warpNear(uint256 target, uint256 seed) private {
        if (seed % 3 == 0 && target > currentTime) currentTime = target + (seed >> 2) % 2;
        else if (seed % 3 == 1 && target > currentTime + 1) currentTime = target - 1;
    }

    /// @dev Picks the order of a clawback (one time in five named by another storefront) and its amount.
    function _clawbackCall(uint256 orderSeed, uint256 callerSeed, uint256 amountSeed)
        private
        view
        returns (ClawbackCall memory call)
    {
        Order memory picked = _pickOrder(orderSeed, true);
        call.storefront = callerSeed % 5 == 0 ? _storefront(callerSeed >> 3) : picked.storefront;
        call.orderId = picked.orderId;
        call.shopper = policyOrder[picked.storefront][picked.orderId].shopper;
        PolicyOrder storage order = policyOrder[call.storefront][call.orderId];
        bool matches = order.shopper == call.shopper && call.shopper != address(0);
        call.open = matches && order.isReleased && order.clawbackAllowed ? order.released - order.clawedBack : 0;
        call.stillPending = _pendingOf(call.storefront, call.shopper, call.orderId) != 0;
        call.amount = _amountAround(amountSeed, call.open);
        call.held = ghostBalance[call.shopper];
    }

    /// @dev Predicts a release batch order by order as the token checks it: an order already released, voided or
    /// named twice is skipped, and so is one not yet due unless the caller is the storefront holding the issuer
    /// role. The supply cap never applies: pending points took their room at issuance. Returns the expectation
    /// (always success) and the points each order releases (0: skipped).
    function _predictRelease(
        address storefront,
        address caller,
        address[] memory batchShoppers,
        uint256[] memory orderIds
    ) private view returns (Expectation memory expectation, uint256[] memory releases, uint256 total) {
        expectation = _none();
        releases = new uint256[](orderIds.length);
        bool mayReleaseEarly = caller == storefront && ghostIsIssuer[storefront];
        for (uint256 i; i < orderIds.length; ++i) {
            bool repeated;
            for (uint256 j; j < i; ++j) {
                if (orderIds[j] == orderIds[i] && batchShoppers[j] == batchShoppers[i]) repeated = true;
            }
            uint256 pending = _pendingOf(storefront, batchShoppers[i], orderIds[i]);
            if (pending == 0 || repeated) continue;
            if (currentTime < policyOrder[storefront][orderIds[i]].releaseTime && !mayReleaseEarly) continue;
            releases[i] = pending;
            total += pending;
        }
    }

    /// @dev An amount around `limit`: zero (one in six), exactly `limit` (or 1 when it is 0), more than it (half of
    /// those just one more), or between 1 and it.
    function _amountAround(uint256 seed, uint256 limit) private pure returns (uint256) {
        uint256 mode = seed % 6;
        if (mode == 0) return 0;
        if (mode == 1) return limit == 0 ? 1 : limit;
        if (mode == 2) return (seed >> 3) % 2 == 0 ? limit + 1 : limit + 1 + (seed >> 4) % MAX_AMOUNT;
        return (seed >> 3).bound(1, limit == 0 ? 1 : limit);
    }

    function _checkOutcome(bool expected, bool succeeded, string memory action) private {
        if (expected != succeeded) {
            ++ghostUnexpectedOutcomes;
            lastUnexpectedOutcome = string.concat(action, succeeded ? " succeeded" : " reverted");
        }
    }

    function _touch(address storefront, uint256 orderId) private {
        if (isTouched[storefront][orderId]) return;
        isTouched[storefront][orderId] = true;
        touchedOrders.push(Order(storefront, orderId));
    }

    function _noteHolder(address account) private {
        if (isHolder[account]) return;
        isHolder[account] = true;
        holders.push(account);
    }

    /// @dev The storefront's compact (EIP-2098) signature of `voucher` for this token on this chain.
    function _sign(uint256 key, IRewardToken.RewardVoucher memory voucher)
        private
        view
        returns (bytes32 r, bytes32 vs)
    {
        (uint8 v, bytes32 rFromSign, bytes32 s) =
            vm.sign(key, VoucherDigests.digest(voucher, block.chainid, address(token)));
        return CompactSignatures.compact(v, rFromSign, s);
    }

    /// @dev Order ids 0-599 seven times in eight, otherwise one of the 300 largest.
    function _orderId(uint256 seed) private pure returns (uint256) {
        if (seed % 8 == 0) return type(uint256).max - (seed >> 3) % HIGH_ORDER_IDS;
        return (seed >> 3) % LOW_ORDER_IDS;
    }

    function _shoppersAndAmounts(uint256 count, uint256 seed)
        private
        view
        returns (address[] memory recipients, uint256[] memory amounts, uint256 total)
    {
        recipients = new address[](count);
        amounts = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            uint256 word = seed.derive(i);
            recipients[i] = shoppers[word % ACTOR_COUNT];
            amounts[i] = word.derive(0).bound(1, MAX_AMOUNT);
            total += amounts[i];
        }
    }

    function _storefront(uint256 seed) private view returns (address) {
        return storefronts[seed % ACTOR_COUNT];
    }

    function _shopper(uint256 seed) private view returns (address) {
        return shoppers[seed % ACTOR_COUNT];
    }

    /// @dev Shoppers, storefronts or the outsider.
    function _anyActor(uint256 seed) private view returns (address) {
        uint256 index = seed % (2 * ACTOR_COUNT + 1);
        if (index < ACTOR_COUNT) return shoppers[index];
        if (index < 2 * ACTOR_COUNT) return storefronts[index - ACTOR_COUNT];
        return outsider;
    }
}
