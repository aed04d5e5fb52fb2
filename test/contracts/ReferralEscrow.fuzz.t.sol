// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ICommonErrors} from "../../contracts/common/ICommonErrors.sol";
import {IReferralEscrow} from "../../contracts/referral/IReferralEscrow.sol";
import {ReferralEscrow} from "../../contracts/referral/ReferralEscrow.sol";
import {FeeOnTransferToken} from "../../contracts/mocks/tokens/FeeOnTransferToken.sol";
import {TestToken} from "../../contracts/mocks/tokens/TestToken.sol";
import {Assertions} from "./utils/Assertions.sol";
import {FuzzBounds} from "./utils/FuzzBounds.sol";
import {MintableToken, ReferralEscrowDeployment} from "./utils/ReferralEscrowDeployment.sol";

/// @title ReferralEscrowFuzzTest
/// @notice Property tests of ReferralEscrow with fuzzed inputs: hold periods and the release time they set,
/// rate and fixed commissions (exact, and bounded to 96 bits), the release-time boundary for claims, voids and
/// early releases, batches with duplicate orders, fee-on-transfer budgets, a budget that never goes negative,
/// claims (`claim` and `claimFrom`) that pay only the partner's current payout address, one token run at a
/// time; sequences of partial refunds whose voided parts and claim add up to the commission exactly; referral
/// caps that are never exceeded and restart each period; and self-referrals refused exactly.
contract ReferralEscrowFuzzTest is ReferralEscrowDeployment, Assertions {
    using FuzzBounds for uint256;

    uint256 private constant START_TIME = 1_750_000_000;
    uint256 private constant BPS = 10_000;
    uint256 private constant MAX_COMMISSION = type(uint96).max;
    /// @dev The largest sale the escrow accepts (IReferralEscrow.SaleAmountTooLarge).
    uint256 private constant MAX_SALE = type(uint240).max;
    uint32 private constant MAX_HOLD = 365 days;
    uint256 private constant PARTNER_COUNT = 3;
    uint256 private constant MAX_BATCH_LENGTH = 12;
    /// @dev The largest sale in the batch test; at a 100% rate it is also the largest commission there.
    uint256 private constant MAX_BATCH_SALE = 1e27;
    /// @dev The fixed commission of the second partner in the batch test.
    uint256 private constant BATCH_FIXED_COMMISSION = 7e18;

    address private immutable admin = account("admin");
    address private immutable storefront = account("storefront");
    address private immutable treasury = account("treasury");
    address private immutable stranger = account("stranger");
    address private immutable shopper = account("shopper");

    ReferralEscrow private escrow;
    TestToken private token;
    bytes32[PARTNER_COUNT] private codes;
    address[PARTNER_COUNT] private owners;
    address[PARTNER_COUNT] private payouts;
    uint40[PARTNER_COUNT] private partnerIds;

    /// @dev An escrow allowing rates up to 100%, one plain token, three registered partners (none enrolled) and a
    /// storefront with no hold period and no budget.
    function setUp() public {
        vm.warp(START_TIME);
        escrow = deployReferralEscrow(admin, uint16(BPS));
        token = new TestToken("Test Dollar", "TUSD");
        for (uint256 i; i < PARTNER_COUNT; ++i) {
            codes[i] = keccak256(abi.encode("code", i));
            owners[i] = _indexed("partner owner", i);
            payouts[i] = _indexed("payout", i);
            partnerIds[i] = registerPartner(escrow, owners[i], codes[i], payouts[i]);
        }
    }

    // ─── Hold periods ───────────────────────────────────────────────────────────────────────────────────

    function testFuzz_setHoldPeriod_upToTheMaximum_setsTheReleaseTimeOfLaterReferralsOnly(
        uint256 holdSeed,
        uint256 laterHoldSeed,
        uint256 orderId
    ) public {
        uint32 hold = uint32(holdSeed.bound(0, MAX_HOLD));
        uint32 laterHold = uint32(laterHoldSeed.bound(0, MAX_HOLD));
        uint256 laterOrderId = orderId ^ 1;
        assertEq(escrow.MAX_HOLD_PERIOD(), MAX_HOLD, "MAX_HOLD_PERIOD");
        _enrolFixed(0, 5);
        fundBudget(escrow, _mintable(token), storefront, 10);

        _setHoldPeriod(hold);
        (uint32 storedHold, bool programPaused,,) = escrow.programOf(storefront);
        assertEq(storedHold, hold, "hold period");
        assertFalse(programPaused, "program paused");
        _record(orderId, codes[0], 0);
        assertEq(escrow.referralOf(storefront, orderId).releaseTime, START_TIME + hold, "release time");
        assertEq(_toUint(escrow.isClaimable(storefront, orderId)), _toUint(hold == 0), "claimable when recorded");

        _setHoldPeriod(laterHold);
        _record(laterOrderId, codes[0], 0);
        assertEq(
            escrow.referralOf(storefront, orderId).releaseTime,
            START_TIME + hold,
            "release time of the earlier referral after the hold period changed"
        );
        assertEq(
            escrow.referralOf(storefront, laterOrderId).releaseTime, START_TIME + laterHold, "later release time"
        );

        if (hold == 0) {
            _claimOne(0, orderId);
            assertEq(token.balanceOf(payouts[0]), 5, "payout of a referral without hold period");
        }
    }

    function testFuzz_setHoldPeriod_aboveTheMaximum_revertsHoldPeriodTooLong(uint256 holdSeed, uint256 previousSeed)
        public
    {
        uint32 previous = uint32(previousSeed.bound(0, MAX_HOLD));
        uint32 hold = uint32(holdSeed.bound(uint256(MAX_HOLD) + 1, type(uint32).max));
        _setHoldPeriod(previous);

        vm.expectRevert(abi.encodeWithSelector(IReferralEscrow.HoldPeriodTooLong.selector, hold, MAX_HOLD));
        vm.prank(storefront);
        escrow.setHoldPeriod(hold);

        (uint32 storedHold,,,) = escrow.programOf(storefront);
        assertEq(storedHold, previous, "hold period after the rejected change");
    }

    // ─── Terms and commissions ──────────────────────────────────────────────────────────────────────────

    function testFuzz_rateCommission_isExactlySaleTimesRateOverTenThousand(
        uint256 maxRateSeed,
        uint256 rateSeed,
        uint256 saleSeed,
        uint256 spareSeed,
        uint256 orderId
    ) public {
        uint16 maxRate = uint16(maxRateSeed.bound(1, BPS));
        uint16 rate = uint16(rateSeed.bound(1, maxRate));
        // Half the largest: the commission and the spare budget together stay within the books' 96 bits.
        uint256 sale = saleSeed.bound(0, _largestSaleWithin96Bits(rate) / 2);
        uint256 commission = sale * rate / BPS;
        uint256 spare = spareSeed.bound(1, 1e27);
        vm.prank(admin);
        escrow.setMaxCommissionRate(maxRate);
        _enrolRate(0, rate);
        IReferralEscrow.PartnerTerms memory terms = escrow.termsOf(storefront, partnerIds[0]);
        assertEq(terms.rateBps, rate, "enrolled rate");
        assertEq(terms.fixedCommission, 0, "enrolled fixed commission");
        fundBudget(escrow, _mintable(token), storefront, commission + spare);

        _record(orderId, codes[0], sale);

        _assertReferral(orderId, partnerIds[0], commission, START_TIME);
        assertEq(escrow.budgetOf(storefront, address(token)), spare, "budget left after the commission");
        assertEq(token.balanceOf(address(escrow)), commission + spare, "escrow balance");
    }

    function testFuzz_rateCommissionAbove96Bits_revertsCommissionTooLarge(
        uint256 rateSeed,
        uint256 saleSeed,
        uint256 orderId
    ) public {
        uint16 rate = uint16(rateSeed.bound(1, BPS));
        uint256 sale = saleSeed.bound(_largestSaleWithin96Bits(rate) + 1, MAX_SALE);
        uint256 commission = sale * rate / BPS;
        _enrolRate(0, rate);
        fundBudget(escrow, _mintable(token), storefront, 1);

        vm.expectRevert(abi.encodeWithSelector(IReferralEscrow.CommissionTooLarge.selector, commission));
        vm.prank(storefront);
        escrow.recordReferral(orderId, codes[0], sale, address(token), shopper);

        assertEq(_status(orderId), uint256(IReferralEscrow.ReferralStatus.None), "status of the rejected order");
        assertEq(escrow.budgetOf(storefront, address(token)), 1, "budget after the rejected referral");
    }

    function testFuzz_saleAbove240Bits_revertsSaleAmountTooLarge_whateverTheTerms(
        uint256 saleSeed,
        uint256 termsSeed,
        bool fixedTerms,
        uint256 orderId
    ) public {
        uint256 sale = saleSeed.bound(MAX_SALE + 1, type(uint256).max);
        if (fixedTerms) _enrolFixed(0, uint96(termsSeed.bound(1, MAX_COMMISSION)));
        else _enrolRate(0, uint16(termsSeed.bound(1, BPS)));
        fundBudget(escrow, _mintable(token), storefront, 1);

        vm.expectRevert(abi.encodeWithSelector(IReferralEscrow.SaleAmountTooLarge.selector, sale));
        vm.prank(storefront);
        escrow.recordReferral(orderId, codes[0], sale, address(token), shopper);

        assertEq(_status(orderId), uint256(IReferralEscrow.ReferralStatus.None), "status of the rejected order");
        assertEq(escrow.budgetOf(storefront, address(token)), 1, "budget after the rejected referral");
    }

    function testFuzz_fixedCommission_isTheFixedAmountWhateverTheSale(
        uint256 fixedSeed,
        uint256 saleSeed,
        uint256 orderId
    ) public {
        // Two of them fit the books' 96 bits.
        uint96 fixedCommission = uint96(fixedSeed.bound(1, MAX_COMMISSION / 2));
        uint256 sale = saleSeed.bound(0, MAX_SALE);
        uint256 largestSaleOrderId = orderId ^ 1;
        _enrolFixed(0, fixedCommission);
        fundBudget(escrow, _mintable(token), storefront, 2 * uint256(fixedCommission));

        _record(orderId, codes[0], sale);
        _record(largestSaleOrderId, codes[0], MAX_SALE);

        _assertReferral(orderId, partnerIds[0], fixedCommission, START_TIME);
        _assertReferral(largestSaleOrderId, partnerIds[0], fixedCommission, START_TIME);
        assertEq(escrow.budgetOf(storefront, address(token)), 0, "budget after the whole budget was committed");
    }

    function testFuzz_enrolPartner_rateAboveTheMaximum_revertsRateAboveMaximum(uint256 maxRateSeed, uint256 rateSeed)
        public
    {
        uint16 maxRate = uint16(maxRateSeed.bound(0, BPS - 1));
        uint16 rate = uint16(rateSeed.bound(uint256(maxRate) + 1, type(uint16).max));
        vm.prank(admin);
        escrow.setMaxCommissionRate(maxRate);

        vm.expectRevert(abi.encodeWithSelector(IReferralEscrow.RateAboveMaximum.selector, rate, maxRate));
        vm.prank(storefront);
        escrow.enrolPartner(codes[0], rate, 0);

        assertEq(escrow.termsOf(storefront, partnerIds[0]).rateBps, 0, "rate after the rejected enrolment");
    }

    function testFuzz_enrolPartner_withBothOrNeitherTerms_revertsInvalidTerms(
        uint256 rateSeed,
        uint256 fixedSeed,
        bool both
    ) public {
        uint16 rate = both ? uint16(rateSeed.bound(1, BPS)) : 0;
        uint96 fixedCommission = both ? uint96(fixedSeed.bound(1, MAX_COMMISSION)) : 0;

        vm.expectRevert(abi.encodeWithSelector(IReferralEscrow.InvalidTerms.selector, rate, fixedCommission));
        vm.prank(storefront);
        escrow.enrolPartner(codes[0], rate, fixedCommission);

        IReferralEscrow.PartnerTerms memory terms = escrow.termsOf(storefront, partnerIds[0]);
        assertEq(uint256(terms.rateBps) + terms.fixedCommission, 0, "terms after the rejected enrolment");
    }

    function testFuzz_setMaxCommissionRate_above100Percent_revertsInvalidMaxRate(uint256 maxRateSeed) public {
        uint16 maxRate = uint16(maxRateSeed.bound(BPS + 1, type(uint16).max));

        vm.expectRevert(abi.encodeWithSelector(IReferralEscrow.InvalidMaxRate.selector, maxRate));
        vm.prank(admin);
        escrow.setMaxCommissionRate(maxRate);

        assertEq(escrow.maxCommissionRate(), BPS, "maximum rate after the rejected change");
    }

    // ─── The release time ───────────────────────────────────────────────────────────────────────────────

    function testFuzz_claim_skipsOneSecondBeforeRelease_paysAtTheReleaseTime_andSkipsOnceClaimed(
        uint256 holdSeed,
        uint256 commissionSeed,
        uint256 orderId
    ) public {
        uint32 hold = uint32(holdSeed.bound(1, MAX_HOLD));
        uint96 commission = uint96(commissionSeed.bound(1, MAX_COMMISSION));
        uint256 releaseTime = START_TIME + hold;
        _recordFixed(orderId, commission, hold);

        vm.warp(releaseTime - 1);
        assertFalse(escrow.isClaimable(storefront, orderId), "claimable one second before the release time");
        vm.expectEmit(address(escrow));
        emit IReferralEscrow.ClaimSkipped(partnerIds[0], storefront, orderId, IReferralEscrow.ClaimSkipReason.NotReleased);
        _claimOne(0, orderId);
        assertEq(token.balanceOf(payouts[0]), 0, "payout before the release time");
        assertEq(_status(orderId), uint256(IReferralEscrow.ReferralStatus.Pending), "status after the skip");

        vm.warp(releaseTime);
        assertTrue(escrow.isClaimable(storefront, orderId), "claimable at the release time");
        _claimOne(0, orderId);
        assertEq(token.balanceOf(payouts[0]), commission, "payout");
        assertEq(token.balanceOf(address(escrow)), 0, "escrow balance after the claim");
        assertEq(_status(orderId), uint256(IReferralEscrow.ReferralStatus.Claimed), "status after the claim");
        assertFalse(escrow.isClaimable(storefront, orderId), "claimable after the claim");

        vm.expectEmit(address(escrow));
        emit IReferralEscrow.ClaimSkipped(
            partnerIds[0], storefront, orderId, IReferralEscrow.ClaimSkipReason.AlreadyClaimed
        );
        _claimOne(0, orderId);
        assertEq(token.balanceOf(payouts[0]), commission, "payout after the skipped second claim");
    }

    function testFuzz_voidReferral_beforeRelease_refundsTheBudget_andBlocksTheClaim(
        uint256 holdSeed,
        uint256 elapsedSeed,
        uint256 commissionSeed,
        uint256 orderId
    ) public {
        uint32 hold = uint32(holdSeed.bound(1, MAX_HOLD));
        uint256 elapsed = elapsedSeed.bound(0, hold - 1);
        uint96 commission = uint96(commissionSeed.bound(1, MAX_COMMISSION));
        _recordFixed(orderId, commission, hold);
        assertEq(escrow.budgetOf(storefront, address(token)), 0, "budget while the commission is escrowed");

        vm.warp(START_TIME + elapsed);
        vm.prank(storefront);
        escrow.voidReferral(orderId);

        assertEq(_status(orderId), uint256(IReferralEscrow.ReferralStatus.Voided), "status after the void");
        assertEq(escrow.budgetOf(storefront, address(token)), commission, "budget after the void");
        assertEq(token.balanceOf(address(escrow)), commission, "escrow balance after the void");

        vm.warp(START_TIME + hold);
        vm.expectEmit(address(escrow));
        emit IReferralEscrow.ClaimSkipped(partnerIds[0], storefront, orderId, IReferralEscrow.ClaimSkipReason.Voided);
        _claimOne(0, orderId);
        vm.expectRevert(
            abi.encodeWithSelector(
                IReferralEscrow.ReferralNotPending.selector, storefront, orderId, IReferralEscrow.ReferralStatus.Voided
            )
        );
        vm.prank(storefront);
        escrow.voidReferral(orderId);

        // The refunded commission is ordinary budget again: all of it can be withdrawn.
        vm.prank(storefront);
        escrow.withdrawBudget(address(token), commission, treasury);
        assertEq(token.balanceOf(treasury), commission, "withdrawn refund");
        assertEq(token.balanceOf(payouts[0]), 0, "payout of a voided referral");
    }

    function testFuzz_voidReferral_atOrAfterRelease_revertsReferralAlreadyReleased(
        uint256 holdSeed,
        uint256 lateSeed,
        uint256 orderId
    ) public {
        uint32 hold = uint32(holdSeed.bound(0, MAX_HOLD));
        uint256 late = lateSeed.bound(0, 10 * 365 days);
        uint256 releaseTime = START_TIME + hold;
        _recordFixed(orderId, 3, hold);

        vm.warp(releaseTime + late);
        bytes memory alreadyReleased = abi.encodeWithSelector(
            IReferralEscrow.ReferralAlreadyReleased.selector, storefront, orderId, releaseTime
        );
        vm.expectRevert(alreadyReleased);
        vm.prank(storefront);
        escrow.voidReferral(orderId);
        vm.expectRevert(alreadyReleased);
        vm.prank(storefront);
        escrow.releaseEarly(orderId);

        assertEq(_status(orderId), uint256(IReferralEscrow.ReferralStatus.Pending), "status after the rejected void");
        assertEq(escrow.budgetOf(storefront, address(token)), 0, "budget after the rejected void");
        _claimOne(0, orderId);
        assertEq(token.balanceOf(payouts[0]), 3, "payout after the rejected void");
    }

    function testFuzz_releaseEarly_makesTheReferralClaimableAtOnce_andNoLongerVoidable(
        uint256 holdSeed,
        uint256 elapsedSeed,
        uint256 orderId
    ) public {
        uint32 hold = uint32(holdSeed.bound(1, MAX_HOLD));
        uint256 now_ = START_TIME + elapsedSeed.bound(0, hold - 1);
        _recordFixed(orderId, 4, hold);
        vm.warp(now_);

        vm.prank(storefront);
        escrow.releaseEarly(orderId);

        assertEq(escrow.referralOf(storefront, orderId).releaseTime, now_, "release time after the early release");
        assertTrue(escrow.isClaimable(storefront, orderId), "claimable after the early release");
        vm.expectRevert(
            abi.encodeWithSelector(IReferralEscrow.ReferralAlreadyReleased.selector, storefront, orderId, now_)
        );
        vm.prank(storefront);
        escrow.voidReferral(orderId);
        _claimOne(0, orderId);
        assertEq(token.balanceOf(payouts[0]), 4, "payout after the early release");
    }

    // ─── Batches ────────────────────────────────────────────────────────────────────────────────────────

    function testFuzz_recordReferrals_recordsEveryOrder_orRevertsNamingTheFirstDuplicate(
        uint256 baseOrderId,
        uint256 lengthSeed,
        uint256 spreadSeed,
        uint256 seed,
        bool oneOrderRecordedBefore
    ) public {
        uint256 length = lengthSeed.bound(1, MAX_BATCH_LENGTH);
        // A narrow spread makes duplicates likely; the sum may wrap past the largest order number to the smallest.
        uint256 spread = spreadSeed.bound(1, 2 * MAX_BATCH_LENGTH);
        _enrolRate(0, 250);
        _enrolFixed(1, uint96(BATCH_FIXED_COMMISSION));
        _enrolRate(2, uint16(BPS));
        (IReferralEscrow.ReferredSale[] memory sales, uint256[] memory commissions, uint256 total) =
            _batch(length, seed, baseOrderId, spread);
        fundBudget(escrow, _mintable(token), storefront, total + BATCH_FIXED_COMMISSION);

        uint256 earlierOrderId;
        if (oneOrderRecordedBefore) {
            earlierOrderId = sales[seed % length].orderId;
            _record(earlierOrderId, codes[1], 0);
        }
        uint256 budgetBefore = escrow.budgetOf(storefront, address(token));
        IReferralEscrow.Referral[] memory before = new IReferralEscrow.Referral[](length);
        for (uint256 i; i < length; ++i) {
            before[i] = escrow.referralOf(storefront, sales[i].orderId);
        }

        (bool hasDuplicate, uint256 firstDuplicate) = _firstDuplicate(sales, oneOrderRecordedBefore, earlierOrderId);
        if (hasDuplicate) {
            vm.expectRevert(
                abi.encodeWithSelector(IReferralEscrow.OrderAlreadyRecorded.selector, storefront, firstDuplicate)
            );
        }
        vm.prank(storefront);
        escrow.recordReferrals(address(token), sales);

        if (hasDuplicate) {
            assertEq(escrow.budgetOf(storefront, address(token)), budgetBefore, "budget after the rejected batch");
            for (uint256 i; i < length; ++i) {
                IReferralEscrow.Referral memory referral = escrow.referralOf(storefront, sales[i].orderId);
                assertEq(
                    keccak256(abi.encode(referral)),
                    keccak256(abi.encode(before[i])),
                    "referral of the rejected batch changed"
                );
            }
        } else {
            assertEq(escrow.budgetOf(storefront, address(token)), budgetBefore - total, "budget after the batch");
            for (uint256 i; i < length; ++i) {
                _assertReferral(sales[i].orderId, _partnerIdOfCode(sales[i].code), commissions[i], START_TIME);
            }
        }
    }

    function test_recordReferrals_rejectsAnEmptyBatch() public {
        fundBudget(escrow, _mintable(token), storefront, 1);
        vm.expectRevert(ICommonErrors.EmptyBatch.selector);
        vm.prank(storefront);
        escrow.recordReferrals(address(token), new IReferralEscrow.ReferredSale[](0));
    }

    // ─── Budgets ────────────────────────────────────────────────────────────────────────────────────────

    function testFuzz_feeOnTransferToken_creditsExactlyWhatArrived(
        uint256 feeSeed,
        uint256 firstSeed,
        uint256 secondSeed,
        uint256 commissionSeed
    ) public {
        uint256 feeBps = feeSeed.bound(0, BPS);
        FeeOnTransferToken feeToken = new FeeOnTransferToken(feeBps);
        uint256 first = firstSeed.bound(1, 1e27);
        uint256 second = secondSeed.bound(1, 1e27);
        uint256 firstArrived = first - first * feeBps / BPS;
        uint256 secondArrived = second - second * feeBps / BPS;

        fundBudget(escrow, _mintable(feeToken), storefront, first);
        assertEq(escrow.budgetOf(storefront, address(feeToken)), firstArrived, "budget after the first funding");
        assertEq(feeToken.balanceOf(address(escrow)), firstArrived, "escrow balance after the first funding");
        fundBudget(escrow, _mintable(feeToken), storefront, second);
        uint256 credited = firstArrived + secondArrived;
        assertEq(escrow.budgetOf(storefront, address(feeToken)), credited, "budget after the second funding");
        assertEq(feeToken.balanceOf(address(escrow)), credited, "escrow balance after the second funding");

        // Spend all of it: part as a commission the partner claims, the rest withdrawn. The escrow pays what it
        // owes; the token's fee comes out of what arrives at the payout address and the treasury.
        uint256 commission;
        if (credited != 0) {
            commission = commissionSeed.bound(1, credited < MAX_COMMISSION ? credited : MAX_COMMISSION);
            _enrolFixed(0, uint96(commission));
            vm.prank(storefront);
            escrow.recordReferral(1, codes[0], 0, address(feeToken), shopper);
            _claimOne(0, 1);
        }
        uint256 rest = credited - commission;
        if (rest != 0) {
            vm.prank(storefront);
            escrow.withdrawBudget(address(feeToken), rest, treasury);
        }
        assertEq(feeToken.balanceOf(payouts[0]), commission - commission * feeBps / BPS, "payout after the fee");
        assertEq(feeToken.balanceOf(treasury), rest - rest * feeBps / BPS, "withdrawal after the fee");
        assertEq(escrow.budgetOf(storefront, address(feeToken)), 0, "budget after spending all of it");
        assertEq(feeToken.balanceOf(address(escrow)), 0, "escrow balance after spending all of it");
    }

    /// @dev A random sequence of fundings, referrals, batches, withdrawals and voids against a model of the budget,
    /// some needing exactly the budget or one more: whatever needs more than the budget reverts naming the budget
    /// and the need, and changes nothing.
    function testFuzz_budget_neverGoesNegative_insufficientBudgetNamesAvailableAndNeeded(
        uint256 seed,
        uint256 stepsSeed
    ) public {
        uint256 steps = stepsSeed.bound(1, 16);
        _enrolRate(0, 1_000);
        _setHoldPeriod(1 days);
        BudgetModel memory model;
        model.pendingOrderIds = new uint256[](3 * steps);
        model.pendingCommissions = new uint256[](3 * steps);
        _fundAndModel(model, seed.derive(0).bound(1, 500e18));
        for (uint256 step = 1; step <= steps; ++step) {
            uint256 word = seed.derive(step);
            uint256 action = word % 7;
            if (action == 0 || (action == 4 && model.pendingCount == 0)) {
                _fundAndModel(model, word.derive(0).bound(1, 500e18));
            } else if (action == 1) {
                _recordAgainstModel(model, word, 1);
            } else if (action == 2) {
                _recordAgainstModel(model, word, 1 + word.derive(1) % 3);
            } else if (action == 3) {
                _withdrawAgainstModel(model, word.derive(0).bound(1, model.budget + 200e18));
            } else if (action == 4) {
                _voidLatestAgainstModel(model);
            } else if (action == 5) {
                _recordAtTheBoundaryAgainstModel(model, word);
            } else {
                // Exactly the budget, or one more.
                uint256 amount = model.budget + word.derive(0) % 2;
                _withdrawAgainstModel(model, amount == 0 ? 1 : amount);
            }
            assertEq(escrow.budgetOf(storefront, address(token)), model.budget, "budget against the model");
            assertEq(
                token.balanceOf(address(escrow)), model.budget + model.pending, "escrow balance: budget + escrowed"
            );
        }
    }

    // ─── Claims ─────────────────────────────────────────────────────────────────────────────────────────

    /// @dev Through `claim`, or `claimFrom` (all referrals are the one storefront's).
    function testFuzz_claim_paysEveryTokenRunToThePayoutAddressOnly(
        uint256 seed,
        uint256 countSeed,
        address caller,
        bool viaClaimFrom
    ) public {
        vm.assume(caller != payouts[0] && caller != address(escrow) && caller != address(vm));
        TestToken otherToken = new TestToken("Other Dollar", "ODOL");
        uint256 count = countSeed.bound(1, 10);
        _enrolRate(0, 1_000);
        fundBudget(escrow, _mintable(token), storefront, 1e27);
        fundBudget(escrow, _mintable(otherToken), storefront, 1e27);
        uint256[2] memory callerBefore = [token.balanceOf(caller), otherToken.balanceOf(caller)];

        IReferralEscrow.ReferralKey[] memory keys = new IReferralEscrow.ReferralKey[](count);
        uint256[] memory orderIds = new uint256[](count);
        uint256[2] memory expected;
        for (uint256 i; i < count; ++i) {
            uint256 word = seed.derive(i);
            uint256 tokenIndex = word % 2;
            uint256 sale = word.derive(0).bound(0, 1e24);
            vm.prank(storefront);
            escrow.recordReferral(i, codes[0], sale, tokenIndex == 0 ? address(token) : address(otherToken), shopper);
            expected[tokenIndex] += sale * 1_000 / BPS;
            keys[i] = IReferralEscrow.ReferralKey({storefront: storefront, orderId: i});
            orderIds[i] = i;
        }

        // Only the partner's owner triggers its claims.
        if (caller != owners[0]) {
            vm.expectRevert(abi.encodeWithSelector(IReferralEscrow.NotPartnerOwner.selector, partnerIds[0], caller));
            vm.prank(caller);
            if (viaClaimFrom) escrow.claimFrom(partnerIds[0], storefront, orderIds);
            else escrow.claim(partnerIds[0], keys);
        }
        vm.prank(owners[0]);
        if (viaClaimFrom) escrow.claimFrom(partnerIds[0], storefront, orderIds);
        else escrow.claim(partnerIds[0], keys);

        assertEq(token.balanceOf(payouts[0]), expected[0], "payout in the first token");
        assertEq(otherToken.balanceOf(payouts[0]), expected[1], "payout in the second token");
        assertEq(token.balanceOf(address(escrow)), 1e27 - expected[0], "escrow balance in the first token");
        assertEq(otherToken.balanceOf(address(escrow)), 1e27 - expected[1], "escrow balance in the second token");
        assertEq(token.balanceOf(caller), callerBefore[0], "caller balance in the first token");
        assertEq(otherToken.balanceOf(caller), callerBefore[1], "caller balance in the second token");
        for (uint256 i; i < count; ++i) {
            assertEq(_status(i), uint256(IReferralEscrow.ReferralStatus.Claimed), "status after the claim");
        }
    }

    function testFuzz_claim_paysTheCurrentPayoutAddress_whichOnlyTheOwnerChanges(
        address newPayout,
        uint256 commissionSeed,
        uint256 orderId
    ) public {
        vm.assume(
            newPayout != address(0) && newPayout != payouts[0] && newPayout != stranger
                && newPayout != address(escrow)
        );
        uint96 commission = uint96(commissionSeed.bound(1, MAX_COMMISSION));
        _recordFixed(orderId, commission, 0);

        vm.expectRevert(
            abi.encodeWithSelector(IReferralEscrow.NotPartnerOwner.selector, partnerIds[0], stranger)
        );
        vm.prank(stranger);
        escrow.setPayoutAddress(partnerIds[0], stranger);
        vm.prank(owners[0]);
        escrow.setPayoutAddress(partnerIds[0], newPayout);
        (address owner, address payout) = escrow.partnerOf(partnerIds[0]);
        assertEq(owner, owners[0], "partner owner");
        assertEq(payout, newPayout, "payout address after the change");

        uint256 newPayoutBefore = token.balanceOf(newPayout);
        _claimOne(0, orderId);
        assertEq(token.balanceOf(newPayout) - newPayoutBefore, commission, "payout at the new address");
        assertEq(token.balanceOf(payouts[0]), 0, "payout at the old address");
        assertEq(token.balanceOf(stranger), 0, "payout at the stranger");
    }

    function testFuzz_claim_rejectsAReferralOfAnotherPartner(uint256 orderId, uint256 claimantSeed) public {
        uint256 claimant = claimantSeed.bound(1, PARTNER_COUNT - 1);
        _recordFixed(orderId, 9, 0);

        vm.expectRevert(
            abi.encodeWithSelector(
                IReferralEscrow.ReferralOfAnotherPartner.selector, storefront, orderId, partnerIds[0]
            )
        );
        _claimOne(claimant, orderId);

        assertEq(token.balanceOf(payouts[claimant]), 0, "payout of the other partner");
        _claimOne(0, orderId);
        assertEq(token.balanceOf(payouts[0]), 9, "payout of the referral's own partner");
    }

    // ─── Budget model ───────────────────────────────────────────────────────────────────────────────────

    /// @dev What the storefront's budget and escrow should hold, and the referrals still pending (a stack).
    struct BudgetModel {
        uint256 budget;
        uint256 pending;
        uint256 nextOrderId;
        uint256 pendingCount;
        uint256[] pendingOrderIds;
        uint256[] pendingCommissions;
    }

    function _fundAndModel(BudgetModel memory model, uint256 amount) private {
        fundBudget(escrow, _mintable(token), storefront, amount);
        model.budget += amount;
    }

    /// @dev Records `count` sales (one through recordReferral, more through recordReferrals) of up to 10,000
    /// tokens at 10%, so the commissions are sometimes more than the budget.
    function _recordAgainstModel(BudgetModel memory model, uint256 word, uint256 count) private {
        IReferralEscrow.ReferredSale[] memory sales = new IReferralEscrow.ReferredSale[](count);
        uint256 total;
        for (uint256 i; i < count; ++i) {
            uint256 sale = word.derive(10 + i).bound(1, 10_000e18);
            sales[i] = IReferralEscrow.ReferredSale({
                orderId: model.nextOrderId + i,
                code: codes[0],
                saleAmount: sale,
                buyer: shopper
            });
            total += sale * 1_000 / BPS;
        }
        bool fits = total <= model.budget;
        if (!fits) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IReferralEscrow.InsufficientBudget.selector, storefront, address(token), model.budget, total
                )
            );
        }
        vm.prank(storefront);
        if (count == 1) {
            escrow.recordReferral(sales[0].orderId, sales[0].code, sales[0].saleAmount, address(token), shopper);
        } else {
            escrow.recordReferrals(address(token), sales);
        }
        if (!fits) {
            assertEq(_status(model.nextOrderId), 0, "status of an order the budget could not cover");
            return;
        }
        for (uint256 i; i < count; ++i) {
            model.pendingOrderIds[model.pendingCount] = sales[i].orderId;
            model.pendingCommissions[model.pendingCount] = sales[i].saleAmount * 1_000 / BPS;
            ++model.pendingCount;
        }
        model.nextOrderId += count;
        model.budget -= total;
        model.pending += total;
    }

    /// @dev Records one sale for the partner on fixed terms whose commission is exactly the budget, or one more,
    /// through recordReferral or (as a batch of one) recordReferrals.
    function _recordAtTheBoundaryAgainstModel(BudgetModel memory model, uint256 word) private {
        uint256 commission = model.budget + word.derive(0) % 2;
        if (commission == 0) commission = 1;
        _enrolFixed(1, uint96(commission));
        uint256 orderId = model.nextOrderId;
        bool fits = commission <= model.budget;
        if (!fits) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IReferralEscrow.InsufficientBudget.selector, storefront, address(token), model.budget, commission
                )
            );
        }
        vm.prank(storefront);
        if (word.derive(1) % 2 == 0) {
            escrow.recordReferral(orderId, codes[1], 0, address(token), shopper);
        } else {
            IReferralEscrow.ReferredSale[] memory sales = new IReferralEscrow.ReferredSale[](1);
            sales[0] = IReferralEscrow.ReferredSale({orderId: orderId, code: codes[1], saleAmount: 0, buyer: shopper});
            escrow.recordReferrals(address(token), sales);
        }
        if (!fits) {
            assertEq(_status(orderId), 0, "status of an order the budget could not cover");
            return;
        }
        model.pendingOrderIds[model.pendingCount] = orderId;
        model.pendingCommissions[model.pendingCount] = commission;
        ++model.pendingCount;
        ++model.nextOrderId;
        model.budget -= commission;
        model.pending += commission;
    }

    function _withdrawAgainstModel(BudgetModel memory model, uint256 amount) private {
        bool fits = amount <= model.budget;
        uint256 treasuryBefore = token.balanceOf(treasury);
        if (!fits) {
            vm.expectRevert(
                abi.encodeWithSelector(
                    IReferralEscrow.InsufficientBudget.selector, storefront, address(token), model.budget, amount
                )
            );
        }
        vm.prank(storefront);
        escrow.withdrawBudget(address(token), amount, treasury);
        if (fits) model.budget -= amount;
        assertEq(token.balanceOf(treasury) - treasuryBefore, fits ? amount : 0, "withdrawn to the treasury");
    }

    function _voidLatestAgainstModel(BudgetModel memory model) private {
        --model.pendingCount;
        uint256 commission = model.pendingCommissions[model.pendingCount];
        vm.prank(storefront);
        escrow.voidReferral(model.pendingOrderIds[model.pendingCount]);
        model.budget += commission;
        model.pending -= commission;
    }

    // ─── Helpers ────────────────────────────────────────────────────────────────────────────────────────

    /// @dev The largest sale whose commission at `rate` still fits 96 bits: sale * rate / BPS <= 2^96 - 1.
    function _largestSaleWithin96Bits(uint16 rate) private pure returns (uint256) {
        return ((MAX_COMMISSION + 1) * BPS - 1) / rate;
    }

    /// @dev `length` sales at `baseOrderId` plus up to `spread` - 1, to random partners among the three, with
    /// the commissions their terms give (250 bps, a fixed 7 tokens, 100%).
    function _batch(uint256 length, uint256 seed, uint256 baseOrderId, uint256 spread)
        private
        view
        returns (IReferralEscrow.ReferredSale[] memory sales, uint256[] memory commissions, uint256 total)
    {
        sales = new IReferralEscrow.ReferredSale[](length);
        commissions = new uint256[](length);
        for (uint256 i; i < length; ++i) {
            uint256 word = seed.derive(i);
            uint256 partner = word % PARTNER_COUNT;
            uint256 sale = word.derive(0).bound(0, MAX_BATCH_SALE);
            uint256 orderId;
            unchecked {
                orderId = baseOrderId + word.derive(1) % spread;
            }
            sales[i] =
                IReferralEscrow.ReferredSale({orderId: orderId, code: codes[partner], saleAmount: sale, buyer: shopper});
            if (partner == 0) commissions[i] = sale * 250 / BPS;
            else if (partner == 1) commissions[i] = BATCH_FIXED_COMMISSION;
            else commissions[i] = sale;
            total += commissions[i];
        }
    }

    /// @dev The first order of the batch recorded before it or earlier in it.
    function _firstDuplicate(IReferralEscrow.ReferredSale[] memory sales, bool hasEarlier, uint256 earlierOrderId)
        private
        pure
        returns (bool found, uint256 orderId)
    {
        for (uint256 i; i < sales.length; ++i) {
            if (hasEarlier && sales[i].orderId == earlierOrderId) return (true, earlierOrderId);
            for (uint256 j; j < i; ++j) {
                if (sales[j].orderId == sales[i].orderId) return (true, sales[i].orderId);
            }
        }
    }

    // ─── Partial refunds ────────────────────────────────────────────────────────────────────────────────

    /// @dev Up to eight partial refunds of random sizes (each at most what remains of the sale, some exactly
    /// all of it), then a claim after the hold period or a void: what the refunds and the void returned to the
    /// budget plus what the claim paid is exactly the commission, whatever the rounding.
    function testFuzz_partialRefunds_voidedPlusClaimed_isExactlyTheCommission(
        uint256 commissionSeed,
        uint256 seed,
        uint256 countSeed,
        bool finishWithVoid
    ) public {
        uint96 commission = uint96(commissionSeed.bound(1, MAX_COMMISSION));
        uint256 orderId = 7;
        _recordFixed(orderId, commission, 1 days);
        uint256 count = countSeed.bound(0, 8);
        uint256 refunded;
        uint256 voided;
        for (uint256 i; i < count && refunded < BPS; ++i) {
            uint256 word = seed.derive(i);
            uint256 left = BPS - refunded;
            uint16 bps = uint16(word % 4 == 0 ? left : (word >> 2).bound(1, left));
            uint256 budgetBefore = escrow.budgetOf(storefront, address(token));
            uint256 expected = uint256(commission) * (refunded + bps) / BPS - uint256(commission) * refunded / BPS;
            vm.prank(storefront);
            escrow.refundReferral(orderId, bps);
            refunded += bps;
            uint256 returned = escrow.budgetOf(storefront, address(token)) - budgetBefore;
            assertEq(returned, expected, "commission voided by the refund");
            voided += returned;
            IReferralEscrow.Referral memory referral = escrow.referralOf(storefront, orderId);
            assertEq(referral.refundedBps, refunded, "cumulative refunded bps");
            assertEq(referral.commission, commission, "the recorded commission stays");
            assertEq(
                uint256(referral.status),
                uint256(
                    refunded == BPS ? IReferralEscrow.ReferralStatus.Voided : IReferralEscrow.ReferralStatus.Pending
                ),
                "status after the refund"
            );
        }
        if (refunded < BPS) {
            // Anything more than what remains is refused.
            vm.expectRevert(
                abi.encodeWithSelector(
                    IReferralEscrow.RefundExceedsSale.selector,
                    storefront,
                    orderId,
                    uint16(refunded),
                    uint16(BPS - refunded + 1)
                )
            );
            vm.prank(storefront);
            escrow.refundReferral(orderId, uint16(BPS - refunded + 1));
        }
        uint256 claimed;
        if (refunded < BPS && finishWithVoid) {
            uint256 budgetBefore = escrow.budgetOf(storefront, address(token));
            vm.prank(storefront);
            escrow.voidReferral(orderId);
            voided += escrow.budgetOf(storefront, address(token)) - budgetBefore;
            assertEq(escrow.referralOf(storefront, orderId).refundedBps, BPS, "a void refunds the rest");
        } else if (refunded < BPS) {
            vm.warp(START_TIME + 1 days);
            _claimOne(0, orderId);
            claimed = token.balanceOf(payouts[0]);
        }
        assertEq(voided + claimed, commission, "voided + claimed: the commission");
        assertEq(escrow.budgetOf(storefront, address(token)), voided, "the budget got back exactly what was voided");
        assertEq(token.balanceOf(address(escrow)), voided, "the escrow holds only the budget");
    }

    function testFuzz_refundReferral_afterTheRelease_reverts(uint256 bpsSeed, uint256 afterSeed) public {
        uint16 bps = uint16(bpsSeed.bound(1, BPS));
        _recordFixed(3, 1_000, 1 hours);
        uint256 releaseTime = START_TIME + 1 hours;
        vm.warp(afterSeed.bound(releaseTime, releaseTime + 400 days));

        vm.expectRevert(
            abi.encodeWithSelector(IReferralEscrow.ReferralAlreadyReleased.selector, storefront, 3, releaseTime)
        );
        vm.prank(storefront);
        escrow.refundReferral(3, bps);
    }

    // ─── Referral caps ──────────────────────────────────────────────────────────────────────────────────

    /// @dev Random time steps and recordings for two partners under a random cap: each recording succeeds
    /// exactly while the partner has fewer than the cap in the current aligned period, and otherwise reverts
    /// `ReferralCapExceeded`; the escrow's count never exceeds the cap.
    function testFuzz_referralCap_isNeverExceeded_andRestartsEachPeriod(
        uint256 maxSeed,
        uint256 periodSeed,
        uint256 seed
    ) public {
        uint32 max = uint32(maxSeed.bound(1, 4));
        uint32 period = uint32(periodSeed.bound(1, 7 days));
        vm.prank(storefront);
        escrow.setReferralCap(max, period);
        _enrolFixed(0, 1);
        _enrolFixed(1, 1);
        fundBudget(escrow, _mintable(token), storefront, 1_000);
        uint256[2] memory periodStarts;
        uint256[2] memory counts;
        for (uint256 i; i < 24; ++i) {
            uint256 word = seed.derive(i);
            if (word % 3 == 0) vm.warp(block.timestamp + (word >> 2).bound(1, 2 * uint256(period)));
            uint256 partner = (word >> 128) % 2;
            uint256 periodStart = block.timestamp - block.timestamp % period;
            if (periodStarts[partner] != periodStart) (periodStarts[partner], counts[partner]) = (periodStart, 0);
            if (counts[partner] == max) {
                vm.expectRevert(
                    abi.encodeWithSelector(
                        IReferralEscrow.ReferralCapExceeded.selector, storefront, partnerIds[partner], periodStart, max
                    )
                );
            } else {
                ++counts[partner];
            }
            _record(100 + i, codes[partner], 0);
            (uint256 start, uint256 counted) = escrow.referralsInPeriodOf(storefront, partnerIds[partner]);
            assertEq(start, periodStart, "period start");
            assertEq(counted, counts[partner], "referrals counted in the period");
            assertLe(counted, max, "never past the cap");
        }
    }

    function testFuzz_setReferralCap_withOnlyOneOfMaxAndPeriod_reverts(uint32 value, bool maxOnly) public {
        value = uint32(uint256(value).bound(1, type(uint32).max));
        (uint32 max, uint32 period) = maxOnly ? (value, uint32(0)) : (uint32(0), value);
        vm.expectRevert(abi.encodeWithSelector(IReferralEscrow.InvalidReferralCap.selector, max, period));
        vm.prank(storefront);
        escrow.setReferralCap(max, period);
    }

    // ─── Self-referral ──────────────────────────────────────────────────────────────────────────────────

    /// @dev The escrow keeps only the payout address's low 56 bits next to the code; a buyer sharing them but not
    /// the payout address must still be recorded (the check then reads the full address).
    function testFuzz_recordReferral_buyerSharingThePayoutsLowBits_isRecorded(uint256 orderId, uint256 highSeed)
        public
    {
        uint160 high = uint160(highSeed.bound(1, type(uint104).max)) << 56;
        address lookalike = address(uint160(payouts[0]) ^ high);
        _enrolFixed(0, 5);
        fundBudget(escrow, _mintable(token), storefront, 10);
        vm.prank(storefront);
        escrow.recordReferral(orderId, codes[0], 0, address(token), lookalike);
        assertEq(_status(orderId), uint256(IReferralEscrow.ReferralStatus.Pending), "the lookalike's referral");
        // After a payout change the old address is an ordinary buyer, the new one is refused.
        address newPayout = _indexed("new payout", 0);
        vm.prank(owners[0]);
        escrow.setPayoutAddress(partnerIds[0], newPayout);
        vm.expectRevert(abi.encodeWithSelector(IReferralEscrow.SelfReferral.selector, partnerIds[0], newPayout));
        vm.prank(storefront);
        escrow.recordReferral(orderId ^ 1, codes[0], 0, address(token), newPayout);
        vm.prank(storefront);
        escrow.recordReferral(orderId ^ 1, codes[0], 0, address(token), payouts[0]);
        (address owner, address payout) = escrow.partnerOf(partnerIds[0]);
        assertEq(owner, owners[0], "owner");
        assertEq(payout, newPayout, "payout");
    }

    function testFuzz_recordReferral_toThePartnersOwnerOrPayout_revertsSelfReferral(uint256 orderId, bool viaPayout)
        public
    {
        _enrolFixed(0, 5);
        fundBudget(escrow, _mintable(token), storefront, 10);
        address buyer = viaPayout ? payouts[0] : owners[0];
        vm.expectRevert(abi.encodeWithSelector(IReferralEscrow.SelfReferral.selector, partnerIds[0], buyer));
        vm.prank(storefront);
        escrow.recordReferral(orderId, codes[0], 0, address(token), buyer);
        assertEq(_status(orderId), uint256(IReferralEscrow.ReferralStatus.None), "status of the rejected order");
    }

    function _assertReferral(uint256 orderId, uint40 partnerId, uint256 commission, uint256 releaseTime)
        private
        view
    {
        IReferralEscrow.Referral memory referral = escrow.referralOf(storefront, orderId);
        assertEq(referral.partnerId, partnerId, "referral partner");
        assertEq(escrow.tokenById(referral.tokenId), address(token), "referral token");
        assertEq(uint256(referral.status), uint256(IReferralEscrow.ReferralStatus.Pending), "referral status");
        assertEq(referral.releaseTime, releaseTime, "referral release time");
        assertEq(referral.commission, commission, "referral commission");
    }

    /// @dev Records `orderId` for partner 0 at a fixed `commission` with hold period `hold`, funding exactly it.
    function _recordFixed(uint256 orderId, uint96 commission, uint32 hold) private {
        _enrolFixed(0, commission);
        _setHoldPeriod(hold);
        fundBudget(escrow, _mintable(token), storefront, commission);
        _record(orderId, codes[0], 0);
    }

    function _record(uint256 orderId, bytes32 code, uint256 sale) private {
        vm.prank(storefront);
        escrow.recordReferral(orderId, code, sale, address(token), shopper);
    }

    /// @dev The partner's owner claims one referral: through `claim` for odd order numbers, through
    /// `claimFrom` for even ones, so both entry points meet every check.
    function _claimOne(uint256 partner, uint256 orderId) private {
        vm.prank(owners[partner]);
        if (orderId % 2 == 0) {
            uint256[] memory orderIds = new uint256[](1);
            orderIds[0] = orderId;
            escrow.claimFrom(partnerIds[partner], storefront, orderIds);
        } else {
            IReferralEscrow.ReferralKey[] memory keys = new IReferralEscrow.ReferralKey[](1);
            keys[0] = IReferralEscrow.ReferralKey({storefront: storefront, orderId: orderId});
            escrow.claim(partnerIds[partner], keys);
        }
    }

    function _enrolRate(uint256 partner, uint16 rate) private {
        vm.prank(storefront);
        escrow.enrolPartner(codes[partner], rate, 0);
    }

    function _enrolFixed(uint256 partner, uint96 fixedCommission) private {
        vm.prank(storefront);
        escrow.enrolPartner(codes[partner], 0, fixedCommission);
    }

    function _setHoldPeriod(uint32 hold) private {
        vm.prank(storefront);
        escrow.setHoldPeriod(hold);
    }

    function _status(uint256 orderId) private view returns (uint256) {
        return uint256(escrow.referralOf(storefront, orderId).status);
    }

    function _partnerIdOfCode(bytes32 code) private view returns (uint40) {
        return escrow.partnerIdOf(code);
    }

    function _mintable(TestToken testToken) private pure returns (MintableToken) {
        return MintableToken(address(testToken));
    }

    function _mintable(FeeOnTransferToken feeToken) private pure returns (MintableToken) {
        return MintableToken(address(feeToken));
    }

    function _toUint(bool value) private pure returns (uint256) {
        return value ? 1 : 0;
    }

    function _indexed(string memory name, uint256 index) private pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode(name, index)))));
    }
}
