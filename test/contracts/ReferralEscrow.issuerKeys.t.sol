// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IIssuerKeys} from "../../contracts/reward/IIssuerKeys.sol";
import {IReferralEscrow} from "../../contracts/referral/IReferralEscrow.sol";
import {ReferralEscrow} from "../../contracts/referral/ReferralEscrow.sol";
import {TestToken} from "../../contracts/mocks/tokens/TestToken.sol";
import {Assertions} from "./utils/Assertions.sol";
import {FuzzBounds} from "./utils/FuzzBounds.sol";
import {MintableToken, ReferralEscrowDeployment} from "./utils/ReferralEscrowDeployment.sol";

/// @title ReferralEscrowIssuerKeysFuzzTest
/// @notice Property tests of ReferralEscrow's signer keys with fuzzed senders: whichever mix of the storefront
/// and its keys records a run of referrals, the storefront's budget, partner cap count and referrals are exactly
/// what the storefront alone would have left, the cap refuses the same referral, and a key of another storefront
/// never touches them.
contract ReferralEscrowIssuerKeysFuzzTest is ReferralEscrowDeployment, Assertions {
    using FuzzBounds for uint256;

    uint256 private constant START_TIME = 1_750_000_000;
    uint256 private constant KEY_COUNT = 3;
    uint256 private constant BUDGET = 1_000e18;
    uint96 private constant COMMISSION = 7e18;
    bytes32 private constant CODE = keccak256("code");

    address private immutable admin = account("admin");
    address private immutable storefront = account("storefront");
    address private immutable otherStorefront = account("other storefront");
    address private immutable otherKey = account("other storefront's key");
    address private immutable shopper = account("shopper");

    ReferralEscrow private escrow;
    TestToken private token;
    uint40 private partnerId;
    address[KEY_COUNT] private keys;

    /// @dev A partner enrolled at a fixed commission by both storefronts, each with a budget; the storefront has
    /// three keys, the other storefront one.
    function setUp() public {
        vm.warp(START_TIME);
        escrow = deployReferralEscrow(admin, 10_000);
        token = new TestToken("Test Dollar", "TUSD");
        partnerId = registerPartner(escrow, account("partner"), CODE, account("payout"));
        for (uint256 i; i < KEY_COUNT; ++i) {
            keys[i] = account(string(abi.encodePacked("key ", bytes1(uint8(48 + i)))));
            vm.prank(storefront);
            escrow.setIssuerKey(keys[i], true);
        }
        vm.prank(otherStorefront);
        escrow.setIssuerKey(otherKey, true);
        for (uint256 i; i < 2; ++i) {
            address program = i == 0 ? storefront : otherStorefront;
            vm.prank(program);
            escrow.enrolPartner(CODE, 0, COMMISSION);
            fundBudget(escrow, MintableToken(address(token)), program, BUDGET);
        }
    }

    function testFuzz_anyMixOfKeysAndStorefront_countsAgainstOneCapAndOneBudget(
        uint256 senderSeed,
        uint256 capSeed,
        uint256 countSeed
    ) public {
        uint256 cap = capSeed.bound(1, 8);
        uint256 count = countSeed.bound(1, 10);
        vm.prank(storefront);
        escrow.setReferralCap(uint32(cap), 1 days);
        uint256 recorded;
        for (uint256 orderId = 1; orderId <= count; ++orderId) {
            // Two bits of the seed per order: the storefront itself or one of its three keys.
            uint256 pick = (senderSeed >> (2 * orderId)) & 3;
            address sender = pick == KEY_COUNT ? storefront : keys[pick];
            if (recorded == cap) {
                uint256 periodStart = block.timestamp - block.timestamp % 1 days;
                vm.expectRevert(
                    abi.encodeWithSelector(
                        IReferralEscrow.ReferralCapExceeded.selector, storefront, partnerId, periodStart, cap
                    )
                );
            } else {
                ++recorded;
            }
            vm.prank(sender);
            escrow.recordReferral(orderId, CODE, 1, address(token), shopper);
        }
        (, uint256 inPeriod) = escrow.referralsInPeriodOf(storefront, partnerId);
        assertEq(inPeriod, recorded, "the storefront's count");
        assertEq(escrow.budgetOf(storefront, address(token)), BUDGET - recorded * COMMISSION, "the storefront's budget");
        assertEq(escrow.budgetOf(otherStorefront, address(token)), BUDGET, "the other storefront's budget");
        for (uint256 orderId = 1; orderId <= count; ++orderId) {
            IReferralEscrow.ReferralStatus expected =
                orderId <= recorded ? IReferralEscrow.ReferralStatus.Pending : IReferralEscrow.ReferralStatus.None;
            assertEq(uint256(escrow.referralOf(storefront, orderId).status), uint256(expected), "referral status");
            for (uint256 i; i < KEY_COUNT; ++i) {
                assertEq(uint256(escrow.referralOf(keys[i], orderId).status), 0, "nothing recorded for a key");
            }
        }
    }

    function testFuzz_aKeyOfAnotherStorefront_neverVoidsOrRefundsTheStorefrontsReferral(
        uint256 orderId,
        uint256 keySeed,
        uint16 refundBps
    ) public {
        vm.prank(keys[keySeed % KEY_COUNT]);
        escrow.recordReferral(orderId, CODE, 1, address(token), shopper);
        vm.expectRevert(
            abi.encodeWithSelector(IReferralEscrow.UnknownReferral.selector, otherStorefront, orderId)
        );
        vm.prank(otherKey);
        escrow.voidReferral(orderId);
        if (refundBps != 0) {
            vm.expectRevert(
                abi.encodeWithSelector(IReferralEscrow.UnknownReferral.selector, otherStorefront, orderId)
            );
            vm.prank(otherKey);
            escrow.refundReferral(orderId, refundBps);
        }
        assertEq(
            uint256(escrow.referralOf(storefront, orderId).status),
            uint256(IReferralEscrow.ReferralStatus.Pending),
            "the storefront's referral"
        );
        assertEq(escrow.budgetOf(storefront, address(token)), BUDGET - COMMISSION, "the storefront's budget");
    }

    function testFuzz_aRemovedKey_recordsNothingForTheStorefront(uint256 orderId, uint256 keySeed) public {
        address key = keys[keySeed % KEY_COUNT];
        vm.expectEmit(address(escrow));
        emit IIssuerKeys.IssuerKeySet(storefront, key, false);
        vm.prank(storefront);
        escrow.setIssuerKey(key, false);
        // The former key records for itself, and has no budget.
        vm.expectRevert(abi.encodeWithSelector(IReferralEscrow.InvalidToken.selector, address(token)));
        vm.prank(key);
        escrow.recordReferral(orderId, CODE, 1, address(token), shopper);
        assertEq(escrow.storefrontOfKey(key), address(0), "the removed key's storefront");
        assertEq(escrow.budgetOf(storefront, address(token)), BUDGET, "the storefront's budget");
    }
}
