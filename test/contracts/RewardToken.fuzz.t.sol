// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

import {ICommonErrors} from "../../contracts/common/ICommonErrors.sol";
import {IRewardToken} from "../../contracts/reward/IRewardToken.sol";
import {RewardToken} from "../../contracts/reward/RewardToken.sol";
import {Assertions} from "./utils/Assertions.sol";
import {CompactSignatures} from "./utils/CompactSignatures.sol";
import {FuzzBounds} from "./utils/FuzzBounds.sol";
import {RewardTokenDeployment} from "./utils/RewardTokenDeployment.sol";
import {VoucherDigests} from "./utils/VoucherDigests.sol";

/// @title RewardTokenFuzzTest
/// @notice Property tests of RewardToken with fuzzed inputs: each order is rewarded once (single, batch, range and
/// voucher issuance), the per-period issuance cap and the global supply cap hold, vouchers only work for their
/// signer, chain and contract, and redemption burns exactly what was asked.
contract RewardTokenFuzzTest is RewardTokenDeployment, Assertions {
    using FuzzBounds for uint256;

    /// @dev The order of the secp256k1 group: private keys are 1 to this minus one.
    uint256 private constant SECP256K1_ORDER = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
    uint256 private constant POINTS = 1e18;
    uint256 private constant ONE_DAY = 1 days;
    /// @dev The largest cap per period the packed slot holds: never the binding limit where it is used.
    uint256 private constant UNLIMITED_CAP = type(uint88).max;
    uint256 private constant START_TIME = 1_750_000_000;
    uint256 private constant MAX_BATCH_LENGTH = 20;
    uint256 private constant MAX_RANGE_LENGTH = 40;
    uint256 private constant SHOPPER_COUNT = 3;

    address private immutable admin = _account("admin");
    address private immutable storefront = _account("storefront");
    address private immutable otherStorefront = _account("other storefront");

    RewardToken private token;

    function setUp() public {
        vm.warp(START_TIME);
        token = deployRewardToken(admin);
        enableStorefront(token, admin, storefront, UNLIMITED_CAP, ONE_DAY);
        enableStorefront(token, admin, otherStorefront, UNLIMITED_CAP, ONE_DAY);
    }

    // ─── issue ──────────────────────────────────────────────────────────────────────────────────────────

    function testFuzz_issue_marksOnlyThatOrder_andRejectsItsSecondIssue(
        uint256 orderId,
        uint256 amountSeed,
        address shopperSeed,
        uint8 neighbourBit
    ) public {
        uint256 amount = amountSeed.bound(1, 1_000_000 * POINTS);
        address shopper = _nonZero(shopperSeed);
        // Differs from orderId in one bit: in the same bitmap word for bits 0-7, in another word above.
        uint256 neighbour = orderId ^ (uint256(1) << neighbourBit);

        vm.prank(storefront);
        token.issue(shopper, orderId, amount);

        assertEq(token.balanceOf(shopper), amount, "shopper balance");
        assertEq(token.totalSupply(), amount, "total supply");
        assertEq(token.storefrontIssuance(storefront).issuedInPeriod, amount, "issued in period");
        assertTrue(token.isOrderRewarded(storefront, orderId), "issued order is rewarded");
        assertFalse(token.isOrderRewarded(storefront, neighbour), "order one bit away is rewarded");
        assertFalse(token.isOrderRewarded(otherStorefront, orderId), "same order number of another storefront");

        vm.expectRevert(abi.encodeWithSelector(IRewardToken.OrderAlreadyRewarded.selector, storefront, orderId));
        vm.prank(storefront);
        token.issue(shopper, orderId, 1);

        // The order number is the storefront's own: another storefront may still reward its order of that number.
        vm.prank(otherStorefront);
        token.issue(shopper, orderId, 1);
        assertEq(token.balanceOf(shopper), amount + 1, "shopper balance after the other storefront's order");
    }

    function testFuzz_issue_revertsForCallersWithoutTheIssuerRole(address caller, uint256 orderId, uint256 amountSeed)
        public
    {
        vm.assume(caller != storefront && caller != otherStorefront);
        uint256 amount = amountSeed.bound(1, 1_000_000 * POINTS);

        vm.expectRevert(
            abi.encodeWithSelector(
                IAccessControl.AccessControlUnauthorizedAccount.selector, caller, token.ISSUER_ROLE()
            )
        );
        vm.prank(caller);
        token.issue(_account("shopper"), orderId, amount);

        assertFalse(token.isOrderRewarded(caller, orderId), "order of the rejected caller is rewarded");
        assertEq(token.totalSupply(), 0, "total supply");
    }

    function testFuzz_issue_revertsOnZeroAmount(uint256 orderId) public {
        vm.expectRevert(ICommonErrors.ZeroAmount.selector);
        vm.prank(storefront);
        token.issue(_account("shopper"), orderId, 0);

        assertFalse(token.isOrderRewarded(storefront, orderId), "order of the rejected zero issue is rewarded");
    }

    // ─── issueBatch ─────────────────────────────────────────────────────────────────────────────────────

    function testFuzz_issueBatch_marksEveryOrder_orRevertsNamingTheFirstDuplicate(
        uint256 baseOrderId,
        uint256 lengthSeed,
        uint256 spreadSeed,
        uint256 seed,
        bool oneOrderRewardedBefore
    ) public {
        uint256 length = lengthSeed.bound(1, MAX_BATCH_LENGTH);
        // A narrow spread makes duplicates likely; a spread past 256 spans bitmap words. The sum may wrap past the
        // largest order number to the smallest, which is allowed for arbitrary order numbers.
        uint256 spread = spreadSeed.bound(1, 600);
        (address[] memory shoppers, uint256[] memory orderIds, uint256[] memory amounts, uint256 total) =
            _batch(length, seed, baseOrderId, spread);

        uint256 supplyBefore;
        bool[] memory rewardedBefore = new bool[](length);
        if (oneOrderRewardedBefore) {
            uint256 earlierOrder = orderIds[seed % length];
            vm.prank(storefront);
            token.issue(_shopper(0), earlierOrder, 1);
            supplyBefore = 1;
            for (uint256 i; i < length; ++i) {
                rewardedBefore[i] = orderIds[i] == earlierOrder;
            }
        }

        (bool hasDuplicate, uint256 firstDuplicate) = _firstDuplicate(orderIds, rewardedBefore);
        if (hasDuplicate) {
            vm.expectRevert(
                abi.encodeWithSelector(IRewardToken.OrderAlreadyRewarded.selector, storefront, firstDuplicate)
            );
        }
        vm.prank(storefront);
        token.issueBatch(shoppers, orderIds, amounts);

        if (hasDuplicate) {
            assertEq(token.totalSupply(), supplyBefore, "total supply after the rejected batch");
            for (uint256 i; i < length; ++i) {
                assertEq(
                    _toUint(token.isOrderRewarded(storefront, orderIds[i])),
                    _toUint(rewardedBefore[i]),
                    "order of the rejected batch changed state"
                );
            }
        } else {
            assertEq(token.totalSupply(), supplyBefore + total, "total supply after the batch");
            assertEq(token.storefrontIssuance(storefront).issuedInPeriod, supplyBefore + total, "issued in period");
            for (uint256 i; i < length; ++i) {
                assertTrue(token.isOrderRewarded(storefront, orderIds[i]), "order of the batch is rewarded");
            }
            _assertShopperBalances(shoppers, amounts, oneOrderRewardedBefore ? 1 : 0);
        }
    }

    // ─── issueForOrderRange ─────────────────────────────────────────────────────────────────────────────

    function testFuzz_issueForOrderRange_marksExactlyTheRange(
        uint256 firstOrderIdSeed,
        uint256 countSeed,
        bool crossWordBoundary,
        uint256 seed
    ) public {
        uint256 count = countSeed.bound(1, MAX_RANGE_LENGTH);
        uint256 firstOrderId = crossWordBoundary
            ? _firstOrderIdCrossingAWord(firstOrderIdSeed, count, seed)
            : firstOrderIdSeed.bound(0, type(uint256).max - (count - 1));
        uint256 lastOrderId = firstOrderId + (count - 1);
        (address[] memory shoppers, uint256[] memory amounts, uint256 total) = _shoppersAndAmounts(count, seed);

        vm.prank(storefront);
        token.issueForOrderRange(firstOrderId, shoppers, amounts);

        for (uint256 i; i < count; ++i) {
            assertTrue(token.isOrderRewarded(storefront, firstOrderId + i), "order of the range is rewarded");
        }
        if (firstOrderId != 0) {
            assertFalse(token.isOrderRewarded(storefront, firstOrderId - 1), "order before the range is rewarded");
        }
        if (lastOrderId != type(uint256).max) {
            assertFalse(token.isOrderRewarded(storefront, lastOrderId + 1), "order after the range is rewarded");
        }
        assertEq(token.totalSupply(), total, "total supply");
        assertEq(token.storefrontIssuance(storefront).issuedInPeriod, total, "issued in period");
        _assertShopperBalances(shoppers, amounts, 0);
    }

    function testFuzz_issueForOrderRange_reachesTheLargestOrderIdButNotPast(uint256 countSeed, uint256 excessSeed)
        public
    {
        // A range starting any later than the last fitting first order runs past the largest order number. A
        // one-order range always fits, so the overflow is checked with two orders then.
        uint256 count = countSeed.bound(1, MAX_RANGE_LENGTH);
        uint256 overflowingCount = count == 1 ? 2 : count;
        uint256 tooLateFirst = (type(uint256).max - (overflowingCount - 1)) + excessSeed.bound(1, overflowingCount - 1);
        (address[] memory tooLateShoppers, uint256[] memory tooLateAmounts,) =
            _shoppersAndAmounts(overflowingCount, excessSeed);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardToken.OrderRangeOverflow.selector, tooLateFirst, overflowingCount)
        );
        vm.prank(storefront);
        token.issueForOrderRange(tooLateFirst, tooLateShoppers, tooLateAmounts);

        uint256 lastFittingFirst = type(uint256).max - (count - 1);
        (address[] memory shoppers, uint256[] memory amounts, uint256 total) = _shoppersAndAmounts(count, countSeed);
        vm.prank(storefront);
        token.issueForOrderRange(lastFittingFirst, shoppers, amounts);

        assertTrue(token.isOrderRewarded(storefront, type(uint256).max), "largest order id is rewarded");
        assertTrue(token.isOrderRewarded(storefront, lastFittingFirst), "first order of the range is rewarded");
        assertFalse(token.isOrderRewarded(storefront, lastFittingFirst - 1), "order before the range is rewarded");
        assertEq(token.totalSupply(), total, "total supply");
    }

    function testFuzz_issueForOrderRange_rejectsAnyOverlapNamingTheFirstDuplicate(
        uint256 firstOrderIdSeed,
        uint256 countSeed,
        uint256 earlierRangeSeed,
        bool crossWordBoundary,
        bool singleOrderRewardedBefore,
        uint256 seed
    ) public {
        uint256 count = countSeed.bound(1, MAX_RANGE_LENGTH);
        // Keep the earlier range (up to 40 orders either side) inside the order numbers.
        uint256 firstOrderId = crossWordBoundary
            ? _firstOrderIdCrossingAWord(firstOrderIdSeed, count, seed)
            : firstOrderIdSeed.bound(MAX_RANGE_LENGTH, type(uint256).max - 2 * MAX_RANGE_LENGTH);

        uint256 firstDuplicate = _rewardOverlappingRange(firstOrderId, count, earlierRangeSeed, seed);
        if (singleOrderRewardedBefore) {
            uint256 single = firstOrderId + seed.derive(3) % count;
            if (!token.isOrderRewarded(storefront, single)) {
                vm.prank(storefront);
                token.issue(_shopper(0), single, 1);
                if (single < firstDuplicate) firstDuplicate = single;
            }
        }

        uint256 supplyBefore = token.totalSupply();
        bool[] memory rewardedBefore = _rewardedFlags(firstOrderId, count);
        (address[] memory shoppers, uint256[] memory amounts,) = _shoppersAndAmounts(count, seed.derive(4));

        vm.expectRevert(abi.encodeWithSelector(IRewardToken.OrderAlreadyRewarded.selector, storefront, firstDuplicate));
        vm.prank(storefront);
        token.issueForOrderRange(firstOrderId, shoppers, amounts);

        assertEq(token.totalSupply(), supplyBefore, "total supply after the rejected range");
        bool[] memory rewardedAfter = _rewardedFlags(firstOrderId, count);
        for (uint256 i; i < count; ++i) {
            assertEq(_toUint(rewardedAfter[i]), _toUint(rewardedBefore[i]), "order of the rejected range changed");
        }
    }

    // ─── Issuance cap per period ────────────────────────────────────────────────────────────────────────

    function testFuzz_issuanceCap_holdsInEveryAlignedPeriod(
        uint256 capSeed,
        uint256 capPeriodSeed,
        uint256 startSeed,
        uint256 seed
    ) public {
        uint256 cap = capSeed.bound(1, 100_000_000 * POINTS);
        uint256 capPeriod = capPeriodSeed.bound(1, type(uint32).max);
        address cappedStorefront = _account("capped storefront");
        // Time only moves forward: the cap is set at the fuzzed start, then the steps jump ahead from there.
        uint256 timestamp = startSeed.bound(block.timestamp, block.timestamp + 2 ** 36);
        vm.warp(timestamp);
        enableStorefront(token, admin, cappedStorefront, cap, capPeriod);

        uint256 expectedPeriodStart = timestamp - timestamp % capPeriod;
        uint256 issued;
        for (uint256 step; step < 12; ++step) {
            uint256 stepSeed = seed.derive(step);
            // A third of the steps stay at the same time; the others jump up to two periods ahead.
            if (stepSeed % 3 != 0) timestamp += stepSeed.derive(0) % (2 * capPeriod + 1);
            vm.warp(timestamp);
            uint256 periodStart = timestamp - timestamp % capPeriod;
            if (periodStart != expectedPeriodStart) {
                expectedPeriodStart = periodStart;
                issued = 0;
            }

            IRewardToken.StorefrontIssuance memory state = token.storefrontIssuance(cappedStorefront);
            assertEq(state.periodStart, periodStart, "period start is the aligned start of the current period");
            assertEq(state.issuedInPeriod, issued, "issued in period before the step");

            uint256 amount = _amountAroundLimit(stepSeed.derive(1), cap - issued, cap);
            if (issued + amount > cap) {
                vm.expectRevert(
                    abi.encodeWithSelector(
                        IRewardToken.IssuanceCapExceeded.selector, cappedStorefront, cap, periodStart, issued, amount
                    )
                );
            } else {
                issued += amount;
            }
            _issueInOneCall(cappedStorefront, stepSeed.derive(2), amount, step * 4);

            state = token.storefrontIssuance(cappedStorefront);
            assertEq(state.issuedInPeriod, issued, "issued in period after the step");
            assertLe(state.issuedInPeriod, cap, "issued in period against the cap");
        }
    }

    // ─── Vouchers ───────────────────────────────────────────────────────────────────────────────────────

    function testFuzz_claimVoucher_mintsOnce_thenRejectsTheReplay(
        uint256 keySeed,
        address shopperSeed,
        uint256 amountSeed,
        uint256 orderId,
        uint256 validitySeed,
        uint256 waitSeed,
        address relayer
    ) public {
        (uint256 key, address signingStorefront) = _signingStorefront(keySeed);
        uint256 validity = validitySeed.bound(0, 365 days);
        IRewardToken.RewardVoucher memory voucher = IRewardToken.RewardVoucher({
            shopper: _nonZero(shopperSeed),
            amount: amountSeed.bound(1, 1_000_000 * POINTS),
            storefront: signingStorefront,
            orderId: orderId,
            deadline: block.timestamp + validity
        });
        bytes32 digest = VoucherDigests.digest(voucher, block.chainid, address(token));
        assertEq(token.voucherDigest(voucher), digest, "voucher digest");
        (bytes32 r, bytes32 vs) = _sign(key, digest);

        // Any time up to and including the deadline.
        vm.warp(block.timestamp + waitSeed.bound(0, validity));
        vm.prank(relayer);
        token.claimVoucher(voucher, r, vs);

        assertEq(token.balanceOf(voucher.shopper), voucher.amount, "shopper balance");
        assertEq(token.totalSupply(), voucher.amount, "total supply");
        assertTrue(token.isOrderRewarded(signingStorefront, orderId), "voucher's order is rewarded");

        vm.expectRevert(
            abi.encodeWithSelector(IRewardToken.OrderAlreadyRewarded.selector, signingStorefront, orderId)
        );
        vm.prank(relayer);
        token.claimVoucher(voucher, r, vs);
    }

    function testFuzz_claimVoucher_rejectsASignatureByAnotherKey(
        uint256 keySeed,
        uint256 otherKeySeed,
        uint256 amountSeed,
        uint256 orderId
    ) public {
        (, address signingStorefront) = _signingStorefront(keySeed);
        uint256 otherKey = otherKeySeed.bound(1, SECP256K1_ORDER - 1);
        address otherSigner = vm.addr(otherKey);
        vm.assume(otherSigner != signingStorefront);
        IRewardToken.RewardVoucher memory voucher = _voucher(signingStorefront, orderId, amountSeed);
        (bytes32 r, bytes32 vs) = _sign(otherKey, VoucherDigests.digest(voucher, block.chainid, address(token)));

        vm.expectRevert(
            abi.encodeWithSelector(IRewardToken.VoucherSignerMismatch.selector, otherSigner, signingStorefront)
        );
        token.claimVoucher(voucher, r, vs);
        assertFalse(token.isOrderRewarded(signingStorefront, orderId), "order of the rejected voucher is rewarded");
    }

    function testFuzz_claimVoucher_rejectsAnExpiredVoucher(
        uint256 keySeed,
        uint256 deadlineSeed,
        uint256 latenessSeed,
        uint256 orderId
    ) public {
        (uint256 key, address signingStorefront) = _signingStorefront(keySeed);
        IRewardToken.RewardVoucher memory voucher = _voucher(signingStorefront, orderId, orderId);
        voucher.deadline = deadlineSeed.bound(0, 2 ** 40);
        (bytes32 r, bytes32 vs) = _sign(key, VoucherDigests.digest(voucher, block.chainid, address(token)));

        vm.warp(voucher.deadline + latenessSeed.bound(1, 10 * 365 days));
        vm.expectRevert(abi.encodeWithSelector(ICommonErrors.SignatureExpired.selector, voucher.deadline, block.timestamp));
        token.claimVoucher(voucher, r, vs);
        assertFalse(token.isOrderRewarded(signingStorefront, orderId), "order of the expired voucher is rewarded");
    }

    function testFuzz_claimVoucher_rejectsAVoucherSignedForAnotherChain(
        uint256 keySeed,
        uint256 otherChainId,
        uint256 amountSeed,
        uint256 orderId
    ) public {
        vm.assume(otherChainId != block.chainid);
        (uint256 key, address signingStorefront) = _signingStorefront(keySeed);
        IRewardToken.RewardVoucher memory voucher = _voucher(signingStorefront, orderId, amountSeed);

        _expectForeignSignatureRejected(
            voucher, key, VoucherDigests.digest(voucher, otherChainId, address(token))
        );
    }

    function testFuzz_claimVoucher_rejectsAVoucherSignedForAnotherContract(
        uint256 keySeed,
        address otherContract,
        uint256 amountSeed,
        uint256 orderId
    ) public {
        vm.assume(otherContract != address(token));
        (uint256 key, address signingStorefront) = _signingStorefront(keySeed);
        IRewardToken.RewardVoucher memory voucher = _voucher(signingStorefront, orderId, amountSeed);

        _expectForeignSignatureRejected(
            voucher, key, VoucherDigests.digest(voucher, block.chainid, otherContract)
        );
    }

    // ─── Supply cap ─────────────────────────────────────────────────────────────────────────────────────

    function testFuzz_supplyCap_isNeverExceeded(uint256 supplyCapSeed, uint256 seed) public {
        uint256 supplyCap = supplyCapSeed.bound(1, 1_000_000 * POINTS);
        vm.prank(admin);
        token.setSupplyCap(supplyCap);

        for (uint256 step; step < 10; ++step) {
            uint256 stepSeed = seed.derive(step);
            uint256 supply = token.totalSupply();
            uint256 amount = _amountAroundLimit(stepSeed.derive(1), supplyCap - supply, supplyCap);
            if (supply + amount > supplyCap) {
                vm.expectRevert(
                    abi.encodeWithSelector(IRewardToken.SupplyCapExceeded.selector, supplyCap, supply + amount)
                );
                _issueInOneCall(storefront, stepSeed.derive(2), amount, step * 4);
                assertEq(token.totalSupply(), supply, "total supply after the rejected issue");
            } else {
                _issueInOneCall(storefront, stepSeed.derive(2), amount, step * 4);
                assertEq(token.totalSupply(), supply + amount, "total supply after the issue");
            }
            assertLe(token.totalSupply(), supplyCap, "total supply against the supply cap");
        }

        // A new cap below what exists is rejected (there is none below a supply of 0 or 1: 0 means no cap).
        uint256 finalSupply = token.totalSupply();
        if (finalSupply >= 2) {
            uint256 belowSupply = seed.bound(1, finalSupply - 1);
            vm.expectRevert(
                abi.encodeWithSelector(IRewardToken.SupplyCapBelowSupply.selector, belowSupply, finalSupply)
            );
            vm.prank(admin);
            token.setSupplyCap(belowSupply);
        }
    }

    // ─── Redemption ─────────────────────────────────────────────────────────────────────────────────────

    function testFuzz_redeem_burnsExactlyTheAmount(
        uint256 issuedSeed,
        uint256 redeemedSeed,
        bytes32 ref,
        uint256 excessSeed
    ) public {
        uint256 issued = issuedSeed.bound(1, 100_000_000 * POINTS);
        uint256 redeemed = redeemedSeed.bound(1, issued);
        address shopper = _shopper(0);
        vm.prank(storefront);
        token.issue(shopper, 1, issued);

        vm.prank(shopper);
        token.redeem(redeemed, ref);

        uint256 left = issued - redeemed;
        assertEq(token.balanceOf(shopper), left, "shopper balance after redeeming");
        assertEq(token.totalSupply(), left, "total supply after redeeming");

        uint256 tooMuch = left + excessSeed.bound(1, 1_000_000 * POINTS);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, shopper, left, tooMuch)
        );
        vm.prank(shopper);
        token.redeem(tooMuch, ref);
    }

    function testFuzz_redeem_revertsOnZeroAmount(uint256 issuedSeed, bytes32 ref) public {
        uint256 issued = issuedSeed.bound(0, 1_000_000 * POINTS);
        address shopper = _shopper(1);
        if (issued != 0) {
            vm.prank(storefront);
            token.issue(shopper, 1, issued);
        }

        vm.expectRevert(ICommonErrors.ZeroAmount.selector);
        vm.prank(shopper);
        token.redeem(0, ref);

        assertEq(token.balanceOf(shopper), issued, "shopper balance after the rejected redemption");
        assertEq(token.totalSupply(), issued, "total supply after the rejected redemption");
    }

    // ─── Helpers ────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Issues `amount` from `issuer` in one call of a kind picked by `seed` (single, batch of two, range of
    /// two), on fresh order numbers from `firstOrderId`.
    function _issueInOneCall(address issuer, uint256 seed, uint256 amount, uint256 firstOrderId) private {
        uint256 kind = seed % 3;
        bool split = amount >= 2 && seed.derive(0) % 2 == 0;
        uint256 count = split ? 2 : 1;
        address[] memory shoppers = new address[](count);
        uint256[] memory amounts = new uint256[](count);
        uint256[] memory orderIds = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            shoppers[i] = _shopper(i);
            orderIds[i] = firstOrderId + i;
        }
        amounts[0] = split ? amount / 2 : amount;
        if (split) amounts[1] = amount - amount / 2;

        vm.prank(issuer);
        if (kind == 0) {
            token.issue(shoppers[0], firstOrderId, amount);
        } else if (kind == 1) {
            token.issueBatch(shoppers, orderIds, amounts);
        } else {
            token.issueForOrderRange(firstOrderId, shoppers, amounts);
        }
    }

    /// @dev An amount for a step against a limit with `room` left: exactly the room, just past it, far past it
    /// or anything up to the whole limit.
    function _amountAroundLimit(uint256 seed, uint256 room, uint256 limit) private pure returns (uint256) {
        uint256 choice = seed % 4;
        if (choice == 0 && room != 0) return room;
        if (choice == 1) return room + 1;
        if (choice == 2) return room + 1 + seed.derive(0) % limit;
        return seed.derive(1).bound(1, limit);
    }

    /// @dev A first order id with the range's last order in the next bitmap word.
    function _firstOrderIdCrossingAWord(uint256 firstOrderIdSeed, uint256 count, uint256 seed)
        private
        pure
        returns (uint256)
    {
        // Words 1 to the second largest, so the range fits and earlier ranges up to 40 below it too.
        uint256 word = (firstOrderIdSeed >> 8).bound(1, (type(uint256).max >> 8) - 1);
        uint256 lastInWord = (word << 8) | 0xff;
        // Start at most count - 2 orders before the word's end (at its end for a single order).
        return count == 1 ? lastInWord : lastInWord - seed % (count - 1);
    }

    /// @dev Rewards an earlier range of 1 to 40 orders overlapping orders `firstOrderId` to
    /// `firstOrderId + count - 1` in at least one order, and returns the first order they share.
    function _rewardOverlappingRange(uint256 firstOrderId, uint256 count, uint256 earlierRangeSeed, uint256 seed)
        private
        returns (uint256 firstShared)
    {
        uint256 earlierCount = earlierRangeSeed.bound(1, MAX_RANGE_LENGTH);
        // From the range ending at firstOrderId to the range starting at the new range's last order.
        uint256 earlierFirst =
            (firstOrderId - (earlierCount - 1)) + seed.derive(1).bound(0, count + earlierCount - 2);
        (address[] memory shoppers, uint256[] memory amounts,) = _shoppersAndAmounts(earlierCount, seed.derive(2));
        vm.prank(storefront);
        token.issueForOrderRange(earlierFirst, shoppers, amounts);
        firstShared = earlierFirst > firstOrderId ? earlierFirst : firstOrderId;
    }

    /// @dev Whether each of the storefront's orders `firstOrderId` to `firstOrderId + count - 1` is rewarded.
    function _rewardedFlags(uint256 firstOrderId, uint256 count) private view returns (bool[] memory rewarded) {
        rewarded = new bool[](count);
        for (uint256 i; i < count; ++i) {
            rewarded[i] = token.isOrderRewarded(storefront, firstOrderId + i);
        }
    }

    /// @dev `length` shoppers and amounts and order ids `baseOrderId + (0 to spread - 1)`, wrapping.
    function _batch(uint256 length, uint256 seed, uint256 baseOrderId, uint256 spread)
        private
        pure
        returns (address[] memory shoppers, uint256[] memory orderIds, uint256[] memory amounts, uint256 total)
    {
        (shoppers, amounts, total) = _shoppersAndAmounts(length, seed);
        orderIds = new uint256[](length);
        for (uint256 i; i < length; ++i) {
            unchecked {
                orderIds[i] = baseOrderId + seed.derive(100 + i) % spread;
            }
        }
    }

    /// @dev `count` shoppers (from three) and amounts (1 to 1,000 points) derived from `seed`, and their sum.
    function _shoppersAndAmounts(uint256 count, uint256 seed)
        private
        pure
        returns (address[] memory shoppers, uint256[] memory amounts, uint256 total)
    {
        shoppers = new address[](count);
        amounts = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            uint256 word = seed.derive(i);
            shoppers[i] = _shopper(word % SHOPPER_COUNT);
            amounts[i] = word.derive(0).bound(1, 1_000 * POINTS);
            total += amounts[i];
        }
    }

    /// @dev Checks that each of the three shoppers holds the sum of its amounts, plus `extraForFirst` for the first.
    function _assertShopperBalances(address[] memory shoppers, uint256[] memory amounts, uint256 extraForFirst)
        private
        view
    {
        uint256[SHOPPER_COUNT] memory expected;
        expected[0] = extraForFirst;
        for (uint256 i; i < shoppers.length; ++i) {
            for (uint256 s; s < SHOPPER_COUNT; ++s) {
                if (shoppers[i] == _shopper(s)) expected[s] += amounts[i];
            }
        }
        for (uint256 s; s < SHOPPER_COUNT; ++s) {
            assertEq(token.balanceOf(_shopper(s)), expected[s], "shopper balance");
        }
    }

    /// @dev The first order (in array order) rewarded before the batch or repeated within it.
    function _firstDuplicate(uint256[] memory orderIds, bool[] memory rewardedBefore)
        private
        pure
        returns (bool found, uint256 orderId)
    {
        for (uint256 i; i < orderIds.length; ++i) {
            if (rewardedBefore[i]) return (true, orderIds[i]);
            for (uint256 j; j < i; ++j) {
                if (orderIds[j] == orderIds[i]) return (true, orderIds[i]);
            }
        }
    }

    /// @dev A fuzzed private key and its address, set up as a storefront with the issuer role.
    function _signingStorefront(uint256 keySeed) private returns (uint256 key, address signer) {
        key = keySeed.bound(1, SECP256K1_ORDER - 1);
        signer = vm.addr(key);
        vm.assume(signer != storefront && signer != otherStorefront);
        enableStorefront(token, admin, signer, UNLIMITED_CAP, ONE_DAY);
    }

    /// @dev A voucher of `signingStorefront`'s order to shopper 0, valid for a day.
    function _voucher(address signingStorefront, uint256 orderId, uint256 amountSeed)
        private
        view
        returns (IRewardToken.RewardVoucher memory)
    {
        return IRewardToken.RewardVoucher({
            shopper: _shopper(0),
            amount: amountSeed.bound(1, 1_000_000 * POINTS),
            storefront: signingStorefront,
            orderId: orderId,
            deadline: block.timestamp + ONE_DAY
        });
    }

    /// @dev Expects a voucher signed by its storefront over `foreignDigest` (another domain) to be rejected, naming
    /// the address the token recovers from the signature over its own digest.
    function _expectForeignSignatureRejected(
        IRewardToken.RewardVoucher memory voucher,
        uint256 key,
        bytes32 foreignDigest
    ) private {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, foreignDigest);
        address recovered = ecrecover(token.voucherDigest(voucher), v, r, s);
        assertTrue(recovered != voucher.storefront, "foreign signature recovers to the storefront");

        vm.expectRevert(
            abi.encodeWithSelector(IRewardToken.VoucherSignerMismatch.selector, recovered, voucher.storefront)
        );
        (, bytes32 vs) = CompactSignatures.compact(v, r, s);
        token.claimVoucher(voucher, r, vs);
        assertFalse(token.isOrderRewarded(voucher.storefront, voucher.orderId), "order of the foreign voucher");
    }

    function _sign(uint256 key, bytes32 digest) private pure returns (bytes32 r, bytes32 vs) {
        (uint8 v, bytes32 rFromSign, bytes32 s) = vm.sign(key, digest);
        return CompactSignatures.compact(v, rFromSign, s);
    }

    function _shopper(uint256 index) private pure returns (address) {
        return _account(string.concat("shopper ", string(abi.encodePacked(bytes1(uint8(48 + index))))));
    }

    function _nonZero(address account) private pure returns (address) {
        return account == address(0) ? _account("zero replaced") : account;
    }

    function _toUint(bool value) private pure returns (uint256) {
        return value ? 1 : 0;
    }

    function _account(string memory name) private pure returns (address) {
        return address(uint160(uint256(keccak256(bytes(name)))));
    }
}
