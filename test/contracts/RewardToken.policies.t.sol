// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {IRewardPolicies} from "../../contracts/reward/IRewardPolicies.sol";
import {IRewardToken} from "../../contracts/reward/IRewardToken.sol";
import {RewardToken} from "../../contracts/reward/RewardToken.sol";
import {Assertions} from "./utils/Assertions.sol";
import {FuzzBounds} from "./utils/FuzzBounds.sol";
import {RewardTokenDeployment} from "./utils/RewardTokenDeployment.sol";

/// @title RewardTokenPoliciesFuzzTest
/// @notice Property tests of RewardToken's program policies with fuzzed inputs: pending points through a return
/// window, voiding them, release by anyone after the window or by the storefront at any time, clawback of released
/// points, and expiry of inactive holders' points.
contract RewardTokenPoliciesFuzzTest is RewardTokenDeployment, Assertions {
    using FuzzBounds for uint256;

    uint256 private constant POINTS = 1e18;
    uint256 private constant ONE_DAY = 1 days;
    /// @dev The largest cap per period the packed slot holds: never the binding limit where it is used.
    uint256 private constant UNLIMITED_CAP = type(uint88).max;
    uint256 private constant START_TIME = 1_750_000_000;
    uint256 private constant MAX_AMOUNT = 1_000_000 * POINTS;
    uint256 private constant MAX_VOIDS = 6;
    uint256 private constant MAX_CLAWBACKS = 6;
    uint256 private constant ORDER_ID = 42;
    bytes32 private constant REF = keccak256("checkout");

    address private immutable admin = _account("admin");
    address private immutable storefront = _account("storefront");
    address private immutable shopper = _account("shopper");
    address private immutable stranger = _account("stranger");
    address private immutable friend = _account("friend");

    RewardToken private token;

    function setUp() public {
        vm.warp(START_TIME);
        token = deployRewardToken(admin);
        enableStorefront(token, admin, storefront, UNLIMITED_CAP, ONE_DAY);
    }

    // ─── Pending points and voiding ─────────────────────────────────────────────────────────────────────

    /// @notice Any sequence of partial voids followed by a release mints exactly what was issued minus what was
    /// voided; a sequence that voids everything leaves nothing to release.
    function testFuzz_partialVoidsThenRelease_mintExactlyIssuedMinusVoided(
        uint256 amountSeed,
        uint256 windowSeed,
        uint256 voidCountSeed,
        uint256 seed,
        bool clawbackAllowed
    ) public {
        uint256 window = windowSeed.bound(1, 365 days);
        uint256 issued = amountSeed.bound(1, MAX_AMOUNT);
        _setPolicy(window, clawbackAllowed);
        _issue(ORDER_ID, issued);

        uint256 voided;
        uint256 voidCount = voidCountSeed.bound(0, MAX_VOIDS);
        for (uint256 i; i < voidCount && voided < issued; ++i) {
            uint256 remaining = issued - voided;
            // One void in four takes everything that remains.
            uint256 amount = seed.derive(i) % 4 == 0 ? remaining : seed.derive(i + 100).bound(1, remaining);
            vm.prank(storefront);
            token.voidPending(shopper, ORDER_ID, amount);
            voided += amount;
            assertEq(token.recordedOrder(storefront, shopper, ORDER_ID).points, issued - voided, "pending points");
            assertEq(token.balanceOf(shopper), 0, "shopper balance while pending");
        }

        vm.warp(START_TIME + window);
        if (voided == issued) {
            // Nothing is pending: the release skips the order.
            _releaseAs(stranger, ORDER_ID);
            assertEq(token.totalSupply(), 0, "total supply after voiding everything");
            return;
        }
        _releaseAs(stranger, ORDER_ID);

        assertEq(token.balanceOf(shopper), issued - voided, "shopper balance after release");
        assertEq(token.totalSupply(), issued - voided, "total supply after release");
        IRewardPolicies.RecordedOrder memory order = token.recordedOrder(storefront, shopper, ORDER_ID);
        assertEq(order.points, clawbackAllowed ? issued - voided : 0, "points kept open to clawback");
        assertTrue(order.released == clawbackAllowed, "record kept (released) exactly for a clawback order");

        // Released once: a second release finds nothing pending and skips the order.
        _releaseAs(stranger, ORDER_ID);
        assertEq(token.totalSupply(), issued - voided, "total supply after a second release");
    }

    /// @notice Voiding more than is pending reverts with VoidExceedsPending naming the order, the amount and what
    /// is pending, and changes nothing.
    function testFuzz_voidPending_aboveWhatIsPending_revertsWithTheAmounts(
        uint256 amountSeed,
        uint256 priorVoidSeed,
        uint256 excessSeed
    ) public {
        uint256 issued = amountSeed.bound(2, MAX_AMOUNT);
        _setPolicy(7 days, false);
        _issue(ORDER_ID, issued);
        uint256 priorVoid = priorVoidSeed.bound(0, issued - 1);
        if (priorVoid != 0) {
            vm.prank(storefront);
            token.voidPending(shopper, ORDER_ID, priorVoid);
        }
        uint256 pending = issued - priorVoid;
        uint256 amount = excessSeed.bound(pending + 1, type(uint256).max);

        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardPolicies.VoidExceedsPending.selector, storefront, shopper, ORDER_ID, amount, pending
            )
        );
        vm.prank(storefront);
        token.voidPending(shopper, ORDER_ID, amount);

        assertEq(token.recordedOrder(storefront, shopper, ORDER_ID).points, pending, "pending after the rejected void");
    }

    /// @notice Only the storefront voids its orders: an account without the issuer role is refused for that, and
    /// another issuer finds no pending order of its own.
    function testFuzz_voidPending_bySomeoneElse_isRefused(address caller, uint256 amountSeed) public {
        vm.assume(caller != storefront && caller != address(0));
        uint256 issued = amountSeed.bound(1, MAX_AMOUNT);
        _setPolicy(1 days, false);
        _issue(ORDER_ID, issued);

        vm.expectRevert(
            abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, caller, token.ISSUER_ROLE())
        );
        vm.prank(caller);
        token.voidPending(shopper, ORDER_ID, 1);

        enableStorefront(token, admin, caller, UNLIMITED_CAP, ONE_DAY);
        vm.expectRevert(abi.encodeWithSelector(IRewardPolicies.OrderNotPending.selector, caller, shopper, ORDER_ID));
        vm.prank(caller);
        token.voidPending(shopper, ORDER_ID, 1);
        assertEq(token.recordedOrder(storefront, shopper, ORDER_ID).points, issued, "pending after the stray void");
    }

    // ─── Release ────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Before the release time a release by anyone but the storefront skips the order (nothing minted); at
    /// the release time or any time after, the same call releases the points.
    function testFuzz_release_byAStranger_skipsBeforeTheReleaseTime_andWorksAtOrAfterIt(
        uint256 windowSeed,
        uint256 earlySeed,
        uint256 lateSeed,
        uint256 amountSeed,
        address caller
    ) public {
        vm.assume(caller != storefront);
        uint256 window = windowSeed.bound(1, 365 days);
        uint256 amount = amountSeed.bound(1, MAX_AMOUNT);
        _setPolicy(window, false);
        _issue(ORDER_ID, amount);
        uint256 releaseTime = START_TIME + window;
        assertEq(token.recordedOrder(storefront, shopper, ORDER_ID).releaseTime, releaseTime, "release time");

        vm.warp(START_TIME + earlySeed.bound(0, window - 1));
        _releaseAs(caller, ORDER_ID);
        assertEq(token.balanceOf(shopper), 0, "shopper balance after the early release was skipped");
        assertEq(token.recordedOrder(storefront, shopper, ORDER_ID).points, amount, "still pending");

        vm.warp(releaseTime + lateSeed.bound(0, 3 * 365 days));
        _releaseAs(caller, ORDER_ID);
        assertEq(token.balanceOf(shopper), amount, "shopper balance after release");
        assertEq(token.totalSupply(), amount, "total supply after release");
    }

    /// @notice The storefront releases its order at any time inside the return window.
    function testFuzz_release_byTheStorefront_worksAnyTimeInTheWindow(
        uint256 windowSeed,
        uint256 offsetSeed,
        uint256 amountSeed
    ) public {
        uint256 window = windowSeed.bound(1, 365 days);
        uint256 amount = amountSeed.bound(1, MAX_AMOUNT);
        _setPolicy(window, true);
        _issue(ORDER_ID, amount);

        vm.warp(START_TIME + offsetSeed.bound(0, window - 1));
        _releaseAs(storefront, ORDER_ID);
        assertEq(token.balanceOf(shopper), amount, "shopper balance after the early release");
        IRewardPolicies.RecordedOrder memory order = token.recordedOrder(storefront, shopper, ORDER_ID);
        assertTrue(order.released, "order released");
        assertEq(order.points, amount, "points open to clawback");
    }

    /// @notice In a batch, an order whose window is still open is skipped; the others are released.
    function testFuzz_release_batchWithOneOpenWindow_releasesTheRest(
        uint256 amountSeed,
        uint256 secondWindowSeed,
        uint256 elapsedSeed
    ) public {
        uint256 amount = amountSeed.bound(1, MAX_AMOUNT);
        _setPolicy(1 days, false);
        _issue(1, amount);
        uint256 secondWindow = secondWindowSeed.bound(1 days + 1, 365 days);
        _setPolicy(secondWindow, false);
        _issue(2, amount);
        uint256 elapsed = elapsedSeed.bound(1 days, secondWindow - 1);
        vm.warp(START_TIME + elapsed);

        address[] memory shoppers = new address[](2);
        (shoppers[0], shoppers[1]) = (shopper, shopper);
        uint256[] memory orderIds = new uint256[](2);
        (orderIds[0], orderIds[1]) = (1, 2);
        vm.prank(stranger);
        token.release(storefront, shoppers, orderIds);
        assertEq(token.totalSupply(), amount, "total supply: the first order only");
        assertEq(token.recordedOrder(storefront, shopper, 1).points, 0, "first order released");
        assertEq(token.recordedOrder(storefront, shopper, 2).points, amount, "second order still pending");
    }

    // ─── Clawback ───────────────────────────────────────────────────────────────────────────────────────

    /// @notice Each clawback burns min(amount, balance) and reports the rest as shortfall; the whole amount counts
    /// against the order, so what is clawed back in total never exceeds what was issued minus what was voided.
    function testFuzz_clawback_burnsWhatTheShopperHolds_andNeverMoreThanIssuedMinusVoided(
        uint256 amountSeed,
        uint256 windowSeed,
        uint256 voidSeed,
        uint256 seed,
        uint256 clawCountSeed
    ) public {
        uint256 issued = amountSeed.bound(1, MAX_AMOUNT);
        // A window of 0 mints at once and keeps the order open to clawback.
        uint256 window = windowSeed.bound(0, 30 days);
        _setPolicy(window, true);
        _issue(ORDER_ID, issued);
        uint256 voided;
        if (window != 0) {
            voided = voidSeed.bound(0, issued - 1);
            if (voided != 0) {
                vm.prank(storefront);
                token.voidPending(shopper, ORDER_ID, voided);
            }
            vm.expectRevert(
                abi.encodeWithSelector(IRewardPolicies.OrderStillPending.selector, storefront, shopper, ORDER_ID)
            );
            vm.prank(storefront);
            token.clawback(shopper, ORDER_ID, 1);
            vm.warp(START_TIME + window);
            _releaseAs(shopper, ORDER_ID);
        }
        uint256 releasedPoints = issued - voided;
        assertEq(token.balanceOf(shopper), releasedPoints, "shopper balance after release");

        uint256 clawed;
        uint256 burnedTotal;
        uint256 clawCount = clawCountSeed.bound(1, MAX_CLAWBACKS);
        for (uint256 i; i < clawCount; ++i) {
            (uint256 amount, uint256 burned) = _clawbackStep(seed.derive(i), releasedPoints - clawed);
            if (amount == 0) break;
            clawed += amount;
            burnedTotal += burned;
            assertEq(token.recordedOrder(storefront, shopper, ORDER_ID).points, releasedPoints - clawed, "open points");
        }
        assertLe(clawed, issued - voided, "clawed back in total against issued minus voided");
        assertLe(burnedTotal, clawed, "burned against clawed back");
    }

    /// @notice An order issued without clawback cannot be clawed back after release.
    function testFuzz_clawback_ofAnOrderIssuedWithoutClawback_reverts(uint256 windowSeed, uint256 amountSeed)
        public
    {
        uint256 window = windowSeed.bound(1, 365 days);
        uint256 amount = amountSeed.bound(1, MAX_AMOUNT);
        _setPolicy(window, false);
        _issue(ORDER_ID, amount);
        // Allowing clawback later does not reach orders issued before.
        _setPolicy(window, true);
        _releaseAs(storefront, ORDER_ID);

        vm.expectRevert(
            abi.encodeWithSelector(IRewardPolicies.OrderNotClawbackable.selector, storefront, shopper, ORDER_ID)
        );
        vm.prank(storefront);
        token.clawback(shopper, ORDER_ID, amount);
        assertEq(token.balanceOf(shopper), amount, "shopper balance");
    }

    // ─── Expiry ─────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Whenever the holder last moved points (before or after expiry was switched on), expire skips the
    /// holder before the deadline max(lastActivity, expiryStart) + period, and burns exactly the holder's balance
    /// at or after it.
    function testFuzz_expire_skipsBeforeTheDeadline_andBurnsTheWholeBalanceAtOrAfterIt(
        uint256 periodSeed,
        uint256 issueDelaySeed,
        uint256 activityDelaySeed,
        uint256 earlySeed,
        uint256 lateSeed,
        uint256 amountSeed,
        bool activityBeforeExpiry
    ) public {
        uint256 period = periodSeed.bound(1 days, type(uint32).max);
        uint256 amount = amountSeed.bound(2, MAX_AMOUNT);
        uint256 lastActivity;
        uint256 expiryStart;
        if (activityBeforeExpiry) {
            _issue(ORDER_ID, amount);
            vm.warp(START_TIME + issueDelaySeed.bound(0, 365 days));
            expiryStart = block.timestamp;
            _setExpiry(period);
            lastActivity = START_TIME;
        } else {
            expiryStart = START_TIME;
            _setExpiry(period);
            vm.warp(START_TIME + issueDelaySeed.bound(0, 365 days));
            _issue(ORDER_ID, amount);
            lastActivity = block.timestamp;
            // Later activity (a redemption) moves the deadline.
            vm.warp(block.timestamp + activityDelaySeed.bound(0, 30 days));
            vm.prank(shopper);
            token.redeem(1, REF);
            lastActivity = block.timestamp;
            amount -= 1;
        }
        uint256 deadline = (lastActivity > expiryStart ? lastActivity : expiryStart) + period;
        assertEq(token.pointsExpireAt(shopper), deadline, "pointsExpireAt");

        address[] memory holders = new address[](1);
        holders[0] = shopper;
        vm.warp(deadline - 1 - earlySeed.bound(0, deadline - 1 - block.timestamp));
        token.expire(holders);
        assertEq(token.balanceOf(shopper), amount, "balance after the early expiry was skipped");

        vm.warp(deadline + lateSeed.bound(0, 365 days));
        uint256 supplyBefore = token.totalSupply();
        vm.prank(stranger);
        token.expire(holders);
        assertEq(token.balanceOf(shopper), 0, "balance after expiry");
        assertEq(supplyBefore - token.totalSupply(), amount, "burned by expiry");
        assertEq(token.pointsExpireAt(shopper), 0, "pointsExpireAt with nothing held");

        // Nothing left: skipped.
        token.expire(holders);
        assertEq(token.totalSupply(), supplyBefore - amount, "total supply after a second expiry");
    }

    /// @notice Pending points do not age: the release is activity, and the deadline counts from it.
    function testFuzz_expire_countsFromTheRelease_notFromTheIssue(uint256 windowSeed, uint256 amountSeed) public {
        uint256 window = windowSeed.bound(1, 30 days);
        uint256 amount = amountSeed.bound(1, MAX_AMOUNT);
        _setExpiry(1 days);
        _setPolicy(window, false);
        _issue(ORDER_ID, amount);
        assertEq(token.pointsExpireAt(shopper), 0, "pointsExpireAt of pending points only");
        vm.warp(START_TIME + window);
        _releaseAs(stranger, ORDER_ID);
        assertEq(token.pointsExpireAt(shopper), START_TIME + window + 1 days, "deadline counted from the release");
    }

    /// @notice The expiry period is 0 (off) or within [1 day, 2**32 - 1] seconds.
    function testFuzz_setExpiryPeriod_rejectsPeriodsOutOfRange(uint256 periodSeed, bool tooLong) public {
        uint256 period = tooLong
            ? periodSeed.bound(uint256(type(uint32).max) + 1, type(uint256).max)
            : periodSeed.bound(1, 1 days - 1);
        vm.expectRevert(abi.encodeWithSelector(IRewardPolicies.InvalidExpiryPeriod.selector, period));
        vm.prank(admin);
        token.setExpiryPeriod(period);
        assertEq(token.expiryPeriod(), 0, "expiry period after the rejected call");
    }

    // ─── Pending points are not spendable ───────────────────────────────────────────────────────────────

    /// @notice Pending points never show in balanceOf or totalSupply, and neither transfer nor redemption can
    /// move them.
    function testFuzz_pendingPoints_areNotInBalanceOrSupply_andCannotBeMoved(
        uint256 windowSeed,
        uint256 amountSeed,
        uint256 spendSeed,
        uint256 heldSeed
    ) public {
        uint256 window = windowSeed.bound(1, 365 days);
        uint256 pending = amountSeed.bound(1, MAX_AMOUNT);
        uint256 held = heldSeed.bound(0, MAX_AMOUNT);
        if (held != 0) _issue(1, held); // no policy yet: minted at once
        _setPolicy(window, true);
        _issue(ORDER_ID, pending);

        assertEq(token.balanceOf(shopper), held, "balance with points pending");
        assertEq(token.totalSupply(), held, "total supply with points pending");

        uint256 spend = spendSeed.bound(held + 1, held + pending);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, shopper, held, spend)
        );
        vm.prank(shopper);
        token.transfer(friend, spend);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, shopper, held, spend)
        );
        vm.prank(shopper);
        token.redeem(spend, REF);
        assertEq(token.recordedOrder(storefront, shopper, ORDER_ID).points, pending, "still pending");
    }

    // ─── Issuance under a policy ────────────────────────────────────────────────────────────────────────

    /// @notice Issuing a range under a policy charges the cap with the true total of its amounts: amounts whose sum
    /// does not fit 256 bits must not be charged as their wrapped sum (which would let a storefront record, and
    /// later release, far more points than its cap).
    function testFuzz_issueForOrderRange_underAPolicy_neverChargesAWrappedTotal(
        uint256 firstSeed,
        uint256 wrappedTotalSeed,
        uint256 windowSeed
    ) public {
        uint256 cap = 1_000 * POINTS;
        vm.prank(admin);
        token.setIssuanceCap(storefront, cap, ONE_DAY);
        _setPolicy(windowSeed.bound(1, 365 days), false);
        uint256 wrappedTotal = wrappedTotalSeed.bound(2, cap);
        uint256[] memory amounts = new uint256[](2);
        amounts[0] = firstSeed.bound(wrappedTotal + 1, type(uint256).max);
        unchecked {
            amounts[1] = wrappedTotal - amounts[0]; // amounts[0] + amounts[1] == wrappedTotal modulo 2**256
        }
        address[] memory shoppers = new address[](2);
        (shoppers[0], shoppers[1]) = (shopper, shopper);

        vm.prank(storefront);
        try token.issueForOrderRange(ORDER_ID, shoppers, amounts) {
            uint256 recorded = uint256(token.recordedOrder(storefront, shopper, ORDER_ID).points)
                + token.recordedOrder(storefront, shopper, ORDER_ID + 1).points;
            assertLe(recorded, token.storefrontIssuance(storefront).issuedInPeriod, "points recorded against charged");
            assertTrue(false, "a range whose amounts sum past 2**256 was accepted");
        } catch {}
        assertEq(token.storefrontIssuance(storefront).issuedInPeriod, 0, "issued in period");
    }

    /// @notice The concrete case of the property above, to its end: amounts 2**256 - 1 and 2 charge 1 point (their
    /// wrapped sum) against a cap of 1,000 points, record 2**88 - 1 and 2 points pending, and the release then mints
    /// 2**88 + 1 points. The call must revert instead.
    function test_issueForOrderRange_underAPolicy_wrappedTotalMustNotMintPastTheCap() public {
        uint256 cap = 1_000 * POINTS;
        vm.prank(admin);
        token.setIssuanceCap(storefront, cap, ONE_DAY);
        _setPolicy(1 days, false);
        uint256[] memory amounts = new uint256[](2);
        (amounts[0], amounts[1]) = (type(uint256).max, 2);
        address[] memory shoppers = new address[](2);
        (shoppers[0], shoppers[1]) = (shopper, shopper);

        vm.prank(storefront);
        try token.issueForOrderRange(ORDER_ID, shoppers, amounts) {} catch {}
        if (!token.isOrderRewarded(storefront, ORDER_ID)) return; // rejected, as it must be

        uint256[] memory orderIds = new uint256[](2);
        (orderIds[0], orderIds[1]) = (ORDER_ID, ORDER_ID + 1);
        vm.warp(START_TIME + 1 days);
        vm.prank(stranger);
        token.release(storefront, shoppers, orderIds);
        assertLe(token.balanceOf(shopper), cap, "points minted for one day's issuance against the daily cap");
    }

    // ─── Helpers ────────────────────────────────────────────────────────────────────────────────────────

    /// @dev The shopper spends or gives away part of its points, then the storefront claws back part or all of the
    /// `open` points of the order (first trying more than that, one time in four). Returns what was clawed back and
    /// burned; (0, 0) once nothing is open.
    function _clawbackStep(uint256 seed, uint256 open) private returns (uint256 amount, uint256 burned) {
        uint256 held = token.balanceOf(shopper);
        uint256 spend = seed.derive(0).bound(0, held);
        if (spend != 0) {
            vm.prank(shopper);
            if (seed % 2 == 0) token.redeem(spend, REF);
            else token.transfer(friend, spend);
        }
        held -= spend;
        if (open == 0) {
            vm.expectRevert(
                abi.encodeWithSelector(IRewardPolicies.OrderNotClawbackable.selector, storefront, shopper, ORDER_ID)
            );
            vm.prank(storefront);
            token.clawback(shopper, ORDER_ID, 1);
            return (0, 0);
        }
        if (seed.derive(1) % 4 == 0) {
            uint256 excess = seed.derive(2).bound(open + 1, type(uint256).max);
            vm.expectRevert(
                abi.encodeWithSelector(
                    IRewardPolicies.ClawbackExceedsOrder.selector, storefront, shopper, ORDER_ID, excess, open
                )
            );
            vm.prank(storefront);
            token.clawback(shopper, ORDER_ID, excess);
        }
        amount = seed.derive(3) % 3 == 0 ? open : seed.derive(4).bound(1, open);
        uint256 supplyBefore = token.totalSupply();
        vm.prank(storefront);
        token.clawback(shopper, ORDER_ID, amount);
        // Burns what the shopper still holds, up to the amount; the rest (amount - burned) is the shortfall.
        burned = amount < held ? amount : held;
        assertEq(token.balanceOf(shopper), held - burned, "shopper balance after clawback");
        assertEq(supplyBefore - token.totalSupply(), burned, "burned by clawback");
    }

    function _setPolicy(uint256 window, bool clawbackAllowed) private {
        vm.prank(storefront);
        token.setStorefrontPolicy(uint32(window), clawbackAllowed);
    }

    function _setExpiry(uint256 period) private {
        vm.prank(admin);
        token.setExpiryPeriod(period);
    }

    function _issue(uint256 orderId, uint256 amount) private {
        vm.prank(storefront);
        token.issue(shopper, orderId, amount);
    }

    function _releaseAs(address caller, uint256 orderId) private {
        address[] memory shoppers = new address[](1);
        shoppers[0] = shopper;
        uint256[] memory orderIds = new uint256[](1);
        orderIds[0] = orderId;
        vm.prank(caller);
        token.release(storefront, shoppers, orderIds);
    }

    function _account(string memory name) private pure returns (address) {
        return address(uint160(uint256(keccak256(bytes(name)))));
    }
}
