// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ConsentRegistry} from "../../contracts/consent/ConsentRegistry.sol";
import {DataAccessPayments} from "../../contracts/dataAccess/DataAccessPayments.sol";
import {IDataAccessPayments} from "../../contracts/dataAccess/IDataAccessPayments.sol";
import {TestToken} from "../../contracts/mocks/tokens/TestToken.sol";
import {Assertions} from "./utils/Assertions.sol";
import {DataAccessPaymentsDeployment} from "./utils/DataAccessPaymentsDeployment.sol";
import {FuzzBounds} from "./utils/FuzzBounds.sol";

/// @title DataAccessPaymentsFuzzTest
/// @notice Property tests of DataAccessPayments with ConsentRegistry and fuzzed prices (up to 2^96 - 1), fee
/// rates, batch sizes (1 to 20) and shopper sets: a batch debits the consumer exactly the sum of the prices,
/// credits each shopper its prices less the fees and accrues the fees, with nothing lost to rounding; a batch
/// with one access lacking consent (never granted, revoked, or expired by a time jump) or priced above the
/// consumer's maximum reverts naming that shopper and changes nothing; fees above the maximum are refused.
contract DataAccessPaymentsFuzzTest is DataAccessPaymentsDeployment, Assertions {
    using FuzzBounds for uint256;

    uint256 private constant START_TIME = 1_750_000_000;
    uint256 private constant BPS = 10_000;
    uint256 private constant MAX_BATCH = 20;
    /// @dev Shoppers a batch picks from (with repeats), so that batches pay some shoppers more than once.
    uint256 private constant SHOPPER_POOL = 24;
    uint40 private constant FAR_EXPIRY = type(uint40).max;
    bytes32 private constant SCOPE = keccak256("purchase-history");

    address private immutable admin = account("admin", 0);
    address private immutable consumer = account("consumer", 0);
    address private immutable feeRecipient = account("fee recipient", 0);

    ConsentRegistry private registry;
    DataAccessPayments private payments;
    TestToken private token;
    uint16 private maxFeeBps;

    /// @dev What one batch should move, as the test computes it.
    struct Expected {
        address[] shoppers;
        uint256[] poolIndex;
        uint256[] earned; // per pool index
        uint256 total;
        uint256 totalFee;
    }

    function setUp() public {
        vm.warp(START_TIME);
        token = new TestToken("Test Dollar", "TUSD");
        registry = deployConsentRegistry(admin);
        payments = deployDataAccessPayments(admin, registry, token, feeRecipient, 0);
        maxFeeBps = payments.MAX_FEE_BPS();
        assertEq(maxFeeBps, 2_000, "MAX_FEE_BPS");
    }

    // ─── Accounting ─────────────────────────────────────────────────────────────────────────────────────

    /// @notice A batch of 1-20 accesses over a fuzzed shopper set debits exactly the sum of the prices, credits
    /// each shopper price - price * feeBps / 10000 per access, accrues the rest as fees, and credited + fees ==
    /// spent. When the fees would not fit 96 bits the batch must revert with FeesOverflow instead.
    function testFuzz_batchDebitsThePricesAndSplitsThemExactly(
        uint256 seed,
        uint256 feeSeed,
        uint256 lengthSeed,
        uint256 spareSeed
    ) public {
        uint16 feeBps = uint16(feeSeed.bound(0, maxFeeBps));
        vm.prank(admin);
        payments.setFee(feeRecipient, feeBps);
        Expected memory e = _plan(seed, lengthSeed.bound(1, MAX_BATCH), feeBps);
        uint256 spare = spareSeed.bound(0, 1e30);
        depositFor(payments, token, consumer, e.total + spare);

        if (e.totalFee > type(uint96).max) {
            vm.expectRevert(abi.encodeWithSelector(IDataAccessPayments.FeesOverflow.selector, e.totalFee));
            vm.prank(consumer);
            payments.recordAccesses(SCOPE, e.shoppers, type(uint256).max);
            assertEq(payments.depositOf(consumer), e.total + spare, "deposit after an overflowing batch");
            assertEq(payments.accruedFees(), 0, "fees after an overflowing batch");
            return;
        }

        vm.prank(consumer);
        payments.recordAccesses(SCOPE, e.shoppers, type(uint256).max);

        assertEq(payments.depositOf(consumer), spare, "consumer debited exactly the sum of the prices");
        assertEq(payments.accruedFees(), e.totalFee, "accrued fees: the sum of the fees");
        uint256 credited;
        for (uint256 j; j < SHOPPER_POOL; ++j) {
            uint256 earnings = payments.earningsOf(_shopper(j));
            assertEq(earnings, e.earned[j], "shopper credited its prices less the fees");
            credited += earnings;
        }
        assertEq(credited + payments.accruedFees(), e.total, "credited + fees == spent");
        assertEq(
            token.balanceOf(address(payments)),
            payments.depositOf(consumer) + credited + payments.accruedFees(),
            "the contract holds deposits + earnings + fees"
        );
    }

    /// @notice One access through `recordAccess` splits the price the same way.
    function testFuzz_singleAccessSplitsThePriceExactly(uint96 price, uint256 feeSeed) public {
        uint16 feeBps = uint16(feeSeed.bound(0, maxFeeBps));
        vm.prank(admin);
        payments.setFee(feeRecipient, feeBps);
        address shopper = _shopper(0);
        grantConsent(registry, shopper, consumer, SCOPE, price, FAR_EXPIRY);
        depositFor(payments, token, consumer, uint256(price) + 1);

        vm.prank(consumer);
        payments.recordAccess(shopper, SCOPE, price);

        uint256 fee = uint256(price) * feeBps / BPS;
        assertEq(payments.depositOf(consumer), 1, "consumer debited the price");
        assertEq(payments.earningsOf(shopper), uint256(price) - fee, "shopper credited the price less the fee");
        assertEq(payments.accruedFees(), fee, "fee accrued");
        assertEq(payments.earningsOf(shopper) + payments.accruedFees(), price, "credited + fee == price");
    }

    // ─── Consent ────────────────────────────────────────────────────────────────────────────────────────

    /// @notice A batch of distinct shoppers where the shopper at a fuzzed index has no active consent (mode 0:
    /// never granted; 1: revoked; 2: expired by a fuzzed time jump, including the expiry instant itself)
    /// reverts with AccessWithoutConsent naming that shopper, and no balance, deposit, earning or fee changes.
    function testFuzz_batchWithAnAccessWithoutConsentRevertsAndChangesNothing(
        uint256 seed,
        uint256 feeSeed,
        uint256 lengthSeed,
        uint256 badSeed,
        uint256 modeSeed,
        uint256 expirySeed,
        uint256 jumpSeed
    ) public {
        uint16 feeBps = uint16(feeSeed.bound(0, maxFeeBps));
        vm.prank(admin);
        payments.setFee(feeRecipient, feeBps);
        uint256 length = lengthSeed.bound(1, MAX_BATCH);
        uint256 bad = badSeed.bound(0, length - 1);
        (address[] memory shoppers, uint256 total) =
            _grantAllBut(seed, length, bad, modeSeed % 3, START_TIME + expirySeed.bound(1, 365 days), jumpSeed);
        assertFalse(registry.isConsentActive(shoppers[bad], consumer, SCOPE), "the bad shopper's consent is inactive");
        depositFor(payments, token, consumer, total + 1);
        uint256 balanceBefore = token.balanceOf(address(payments));

        vm.expectRevert(
            abi.encodeWithSelector(IDataAccessPayments.AccessWithoutConsent.selector, shoppers[bad], SCOPE)
        );
        vm.prank(consumer);
        payments.recordAccesses(SCOPE, shoppers, type(uint256).max);

        vm.expectRevert(
            abi.encodeWithSelector(IDataAccessPayments.AccessWithoutConsent.selector, shoppers[bad], SCOPE)
        );
        vm.prank(consumer);
        payments.recordAccess(shoppers[bad], SCOPE, type(uint256).max);

        assertEq(payments.depositOf(consumer), total + 1, "deposit unchanged");
        assertEq(payments.accruedFees(), 0, "no fees accrued");
        assertEq(token.balanceOf(address(payments)), balanceBefore, "contract balance unchanged");
        for (uint256 i; i < length; ++i) {
            assertEq(payments.earningsOf(shoppers[i]), 0, "no shopper credited");
        }
    }

    /// @notice A price one above the consumer's maximum, at a fuzzed index of a batch or in a single access,
    /// reverts with PriceAboveMaximum(shopper, price, price - 1); at the maximum itself the access is paid.
    function testFuzz_priceAboveMaximumReverts(uint256 priceSeed, uint256 lengthSeed, uint256 indexSeed) public {
        uint96 price = uint96(priceSeed.bound(1, type(uint96).max));
        uint256 length = lengthSeed.bound(1, MAX_BATCH);
        uint256 index = indexSeed.bound(0, length - 1);
        address[] memory shoppers = new address[](length);
        for (uint256 i; i < length; ++i) {
            shoppers[i] = _shopper(i);
            grantConsent(registry, shoppers[i], consumer, SCOPE, i == index ? price : price - 1, FAR_EXPIRY);
        }
        uint256 total = uint256(price - 1) * (length - 1) + price;
        depositFor(payments, token, consumer, total);

        vm.expectRevert(
            abi.encodeWithSelector(IDataAccessPayments.PriceAboveMaximum.selector, shoppers[index], price, price - 1)
        );
        vm.prank(consumer);
        payments.recordAccesses(SCOPE, shoppers, price - 1);

        vm.expectRevert(
            abi.encodeWithSelector(IDataAccessPayments.PriceAboveMaximum.selector, shoppers[index], price, price - 1)
        );
        vm.prank(consumer);
        payments.recordAccess(shoppers[index], SCOPE, price - 1);
        assertEq(payments.depositOf(consumer), total, "deposit unchanged after the refusals");

        vm.prank(consumer);
        payments.recordAccesses(SCOPE, shoppers, price);
        assertEq(payments.depositOf(consumer), 0, "paid at the maximum");
        assertEq(payments.earningsOf(shoppers[index]), price, "the shopper earned its price (no fee)");
    }

    // ─── Fees ───────────────────────────────────────────────────────────────────────────────────────────

    /// @notice setFee above MAX_FEE_BPS reverts with FeeTooHigh and keeps the old fee; at or below it, it applies.
    function testFuzz_setFeeAboveTheMaximumReverts(uint256 highSeed, uint256 okSeed) public {
        uint16 tooHigh = uint16(highSeed.bound(uint256(maxFeeBps) + 1, type(uint16).max));
        uint16 ok = uint16(okSeed.bound(0, maxFeeBps));
        address newRecipient = account("new fee recipient", 0);

        vm.expectRevert(abi.encodeWithSelector(IDataAccessPayments.FeeTooHigh.selector, tooHigh, maxFeeBps));
        vm.prank(admin);
        payments.setFee(newRecipient, tooHigh);
        (,, address recipient, uint16 feeBps) = payments.settings();
        assertEq(recipient, feeRecipient, "recipient kept");
        assertEq(feeBps, 0, "fee kept");

        vm.prank(admin);
        payments.setFee(newRecipient, ok);
        (,, recipient, feeBps) = payments.settings();
        assertEq(recipient, newRecipient, "recipient set");
        assertEq(feeBps, ok, "fee set");
    }

    // ─── Helpers ────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Grants consent to `length` distinct shoppers except that the one at `bad` never gets one (mode 0),
    /// has its consent revoked (mode 1) or gets one expiring at `badExpiry`, which the clock then reaches or
    /// passes (mode 2); other modes only jump the clock. Returns the shoppers and the sum of their prices.
    function _grantAllBut(uint256 seed, uint256 length, uint256 bad, uint256 mode, uint256 badExpiry, uint256 jumpSeed)
        private
        returns (address[] memory shoppers, uint256 total)
    {
        shoppers = new address[](length);
        for (uint256 i; i < length; ++i) {
            shoppers[i] = _shopper(i);
            uint96 price = _price(seed, i);
            total += price;
            if (i == bad && mode == 0) continue;
            uint40 expiresAt = i == bad && mode == 2 ? uint40(badExpiry) : FAR_EXPIRY;
            grantConsent(registry, shoppers[i], consumer, SCOPE, price, expiresAt);
        }
        if (mode == 1) {
            vm.prank(shoppers[bad]);
            registry.revoke(consumer, SCOPE);
        }
        if (mode == 2) {
            vm.warp(badExpiry + jumpSeed.bound(0, 30 days));
        } else {
            vm.warp(START_TIME + jumpSeed.bound(0, 30 days));
        }
    }

    /// @dev Grants consent to a batch of `length` picks from the shopper pool (repeats allowed; a repeated
    /// shopper keeps its latest price), and computes what the batch must move.
    function _plan(uint256 seed, uint256 length, uint16 feeBps) private returns (Expected memory e) {
        e.shoppers = new address[](length);
        e.poolIndex = new uint256[](length);
        e.earned = new uint256[](SHOPPER_POOL);
        uint256[] memory priceOf = new uint256[](SHOPPER_POOL);
        bool[] memory granted = new bool[](SHOPPER_POOL);
        for (uint256 i; i < length; ++i) {
            uint256 j = seed.derive(1_000 + i) % SHOPPER_POOL;
            e.poolIndex[i] = j;
            e.shoppers[i] = _shopper(j);
            if (!granted[j]) {
                granted[j] = true;
                priceOf[j] = _price(seed, i);
                grantConsent(registry, e.shoppers[i], consumer, SCOPE, uint96(priceOf[j]), FAR_EXPIRY);
            }
        }
        for (uint256 i; i < length; ++i) {
            uint256 price = priceOf[e.poolIndex[i]];
            uint256 fee = price * feeBps / BPS;
            e.earned[e.poolIndex[i]] += price - fee;
            e.total += price;
            e.totalFee += fee;
        }
    }

    /// @dev A price in [0, 2^96 - 1], of a fuzzed magnitude (so small and huge prices both occur), with the
    /// edges 0 and 2^96 - 1 favoured.
    function _price(uint256 seed, uint256 i) private pure returns (uint96) {
        uint256 word = seed.derive(i);
        uint256 kind = word % 8;
        if (kind == 0) return 0;
        if (kind == 1) return type(uint96).max;
        return uint96((word >> 8) >> ((word >> 200) % 97));
    }

    function _shopper(uint256 index) private pure returns (address) {
        return account("shopper", index);
    }
}
