// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IReferralEscrow} from "../../contracts/referral/IReferralEscrow.sol";
import {ReferralEscrow} from "../../contracts/referral/ReferralEscrow.sol";
import {FeeOnTransferToken} from "../../contracts/mocks/tokens/FeeOnTransferToken.sol";
import {TestToken} from "../../contracts/mocks/tokens/TestToken.sol";
import {ReferralEscrowHandler} from "./handlers/ReferralEscrowHandler.sol";
import {Assertions} from "./utils/Assertions.sol";
import {MintableToken, ReferralEscrowDeployment} from "./utils/ReferralEscrowDeployment.sol";

/// @title ReferralEscrowInvariantTest
/// @notice Invariants of ReferralEscrow under random sequences of partner registrations and payout changes,
/// enrolments and removals, hold-period and referral-cap changes, program pauses, budget fundings and withdrawals
/// in a plain and a fee-on-transfer token, single and batch recordings (self-referrals among them), partial
/// refunds, voids, early releases, claims and time jumps, all driven through `ReferralEscrowHandler`.
contract ReferralEscrowInvariantTest is ReferralEscrowDeployment, Assertions {
    /// @notice A target contract and the functions the runner may call on it (forge-std's StdInvariant layout).
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    uint256 private constant START_TIME = 1_750_000_000;
    /// @dev Partner ids the handler can ever register: one per code.
    uint40 private constant MAX_PARTNER_ID = 6;

    ReferralEscrow private escrow;
    ReferralEscrowHandler private handler;

    function setUp() public {
        vm.warp(START_TIME);
        escrow = deployReferralEscrow(account("admin"), 2_000);
        TestToken plainToken = new TestToken("Test Dollar", "TUSD");
        FeeOnTransferToken feeToken = new FeeOnTransferToken(250);
        handler = new ReferralEscrowHandler(
            escrow, MintableToken(address(plainToken)), MintableToken(address(feeToken)), START_TIME
        );
        assertEq(escrow.maxCommissionRate(), handler.MAX_RATE_BPS(), "the handler's maximum rate");
        assertEq(feeToken.feeBps(), handler.FEE_BPS(), "the handler's fee");
        handler.bootstrap();
        assertEq(handler.ghostSuccesses("fundBudget"), 6, "budgets funded at the start");
        assertEq(handler.ghostSuccesses("recordReferrals"), 6, "batches recorded at the start");
        assertEq(handler.ghostUnexpectedOutcomes(), 0, "calls against the model at the start");
        vm.label(address(handler), "ReferralEscrowHandler");
        vm.label(address(plainToken), "PlainToken");
        vm.label(address(feeToken), "FeeOnTransferToken");
    }

    /// @notice Only the handler is called during runs.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice Only the handler's actions are called, not its views.
    function targetSelectors() public view returns (FuzzSelector[] memory targets) {
        targets = new FuzzSelector[](1);
        targets[0] = FuzzSelector({addr: address(handler), selectors: handler.actionSelectors()});
    }

    /// @dev There are no other inflows (no donations), so the balance is exactly what the escrow owes.
    function invariant_escrowHoldsExactlyTheBudgetsPlusTheEscrowedCommissions() public view {
        ReferralEscrowHandler.Key[] memory keys = handler.allRecordedKeys();
        for (uint256 t; t < handler.TOKEN_COUNT(); ++t) {
            address token = address(handler.tokenAt(t));
            uint256 owed = _sumOfBudgets(token);
            for (uint256 i; i < keys.length; ++i) {
                IReferralEscrow.Referral memory referral = escrow.referralOf(keys[i].storefront, keys[i].orderId);
                bool pending = referral.status == IReferralEscrow.ReferralStatus.Pending;
                if (pending && escrow.tokenById(referral.tokenId) == token) owed += _remaining(referral);
            }
            uint256 balance = handler.tokenAt(t).balanceOf(address(escrow));
            assertLe(owed, balance, "budgets + escrowed commissions against the escrow's balance");
            assertEq(balance, owed, "escrow balance: budgets + escrowed commissions");
        }
    }

    /// @dev The books are what the escrow owes: exactly the budgets plus the escrowed commissions, and never more
    /// than its balance (withdrawals that would leave less revert).
    function invariant_eachTokensBooksAreTheBudgetsPlusTheEscrowedCommissions_andTheBalanceCoversThem() public view {
        ReferralEscrowHandler.Key[] memory keys = handler.allRecordedKeys();
        for (uint256 t; t < handler.TOKEN_COUNT(); ++t) {
            address token = address(handler.tokenAt(t));
            uint256 owed = _sumOfBudgets(token);
            for (uint256 i; i < keys.length; ++i) {
                IReferralEscrow.Referral memory referral = escrow.referralOf(keys[i].storefront, keys[i].orderId);
                bool pending = referral.status == IReferralEscrow.ReferralStatus.Pending;
                if (pending && escrow.tokenById(referral.tokenId) == token) owed += _remaining(referral);
            }
            assertEq(escrow.owedIn(token), owed, "books: budgets + escrowed commissions");
            assertLe(escrow.owedIn(token), handler.tokenAt(t).balanceOf(address(escrow)), "balance covers the books");
        }
    }

    function invariant_budgetsAreFundedMinusWithdrawnMinusCommittedPlusVoided() public view {
        for (uint256 t; t < handler.TOKEN_COUNT(); ++t) {
            address token = address(handler.tokenAt(t));
            assertEq(
                _sumOfBudgets(token) + handler.ghostWithdrawn(token) + handler.ghostCommitted(token),
                handler.ghostFunded(token) + handler.ghostVoided(token),
                "budgets + withdrawn + committed against funded + voided"
            );
            for (uint256 s; s < handler.STOREFRONT_COUNT(); ++s) {
                address storefront = handler.storefrontAt(s);
                assertEq(
                    escrow.budgetOf(storefront, token),
                    handler.ghostBudget(storefront, token),
                    "budget against the model"
                );
            }
        }
    }

    /// @dev The model's statuses only ever move forward (Pending to Voided or Claimed), so a status equal to the
    /// model's after every call never went back. Each referral's commission splits into what refunds voided and
    /// what remains; what remains is escrowed while pending, paid once claimed, and zero once voided.
    function invariant_everyCommissionIsClaimedVoidedOrPending_andEveryReferralMatchesTheModel() public {
        vm.warp(handler.currentTime());
        ReferralEscrowHandler.Key[] memory keys = handler.allRecordedKeys();
        // [remaining while Pending, voided (by refunds and voids), remaining once Claimed][token index]
        uint256[2][3] memory parts;
        for (uint256 i; i < keys.length; ++i) {
            (address storefront, uint256 orderId) = (keys[i].storefront, keys[i].orderId);
            IReferralEscrow.Referral memory referral = escrow.referralOf(storefront, orderId);
            ReferralEscrowHandler.GhostReferral memory ghost = handler.ghostReferral(storefront, orderId);
            assertEq(uint256(referral.status), uint256(ghost.status), "referral status against the model");
            assertEq(referral.partnerId, ghost.partnerId, "referral partner against the model");
            assertEq(
                escrow.tokenById(referral.tokenId),
                address(handler.tokenAt(ghost.tokenIndex)),
                "referral token against the model"
            );
            assertEq(referral.releaseTime, ghost.releaseTime, "referral release time against the model");
            assertEq(referral.commission, ghost.commission, "referral commission against the model");
            assertEq(referral.refundedBps, ghost.refundedBps, "referral refunded bps against the model");
            assertLe(referral.refundedBps, 10_000, "refunded at most the whole sale");
            uint256 remaining = _remaining(referral);
            assertLe(remaining, referral.commission, "voided pro rata within the escrowed commission");
            if (referral.status == IReferralEscrow.ReferralStatus.Voided) {
                assertEq(referral.refundedBps, 10_000, "a voided referral is refunded in full");
                assertEq(remaining, 0, "nothing remains of a voided referral");
            }
            assertEq(
                _toUint(escrow.isClaimable(storefront, orderId)),
                _toUint(ghost.status == IReferralEscrow.ReferralStatus.Pending && block.timestamp >= ghost.releaseTime),
                "isClaimable against the model"
            );
            assertTrue(ghost.status != IReferralEscrow.ReferralStatus.None, "a recorded referral has a status");
            parts[1][ghost.tokenIndex] += referral.commission - remaining;
            if (ghost.status == IReferralEscrow.ReferralStatus.Pending) parts[0][ghost.tokenIndex] += remaining;
            if (ghost.status == IReferralEscrow.ReferralStatus.Claimed) parts[2][ghost.tokenIndex] += remaining;
        }
        for (uint256 t; t < handler.TOKEN_COUNT(); ++t) {
            address token = address(handler.tokenAt(t));
            assertEq(
                handler.ghostCommitted(token),
                parts[0][t] + parts[1][t] + parts[2][t],
                "committed commissions: pending + voided + claimed"
            );
            assertEq(handler.ghostVoided(token), parts[1][t], "voided commissions");
            assertLe(handler.ghostVoidedByRefunds(token), handler.ghostVoided(token), "voided by partial refunds");
            assertLe(handler.ghostVoided(token), handler.ghostCommitted(token), "voided within what was escrowed");
            assertEq(handler.ghostClaimed(token), parts[2][t], "claimed commissions");
        }
    }

    function invariant_noOrderIsRecordedTwice() public view {
        ReferralEscrowHandler.Key[] memory keys = handler.allTouchedKeys();
        for (uint256 i; i < keys.length; ++i) {
            uint256 count = handler.ghostRecordCount(keys[i].storefront, keys[i].orderId);
            assertLe(count, 1, "times one order was recorded");
            IReferralEscrow.ReferralStatus status = escrow.referralOf(keys[i].storefront, keys[i].orderId).status;
            assertEq(
                _toUint(status != IReferralEscrow.ReferralStatus.None),
                count,
                "order has a referral iff it was recorded"
            );
        }
    }

    function invariant_noReferralIsClaimedTwice_andEachPartnerWasPaidItsClaimedCommissions() public view {
        ReferralEscrowHandler.Key[] memory keys = handler.allRecordedKeys();
        uint256[2][] memory claimedByPartner = new uint256[2][](uint256(MAX_PARTNER_ID) + 1);
        for (uint256 i; i < keys.length; ++i) {
            uint256 claims = handler.ghostClaimCount(keys[i].storefront, keys[i].orderId);
            assertLe(claims, 1, "times one referral was claimed");
            IReferralEscrow.Referral memory referral = escrow.referralOf(keys[i].storefront, keys[i].orderId);
            bool claimed = referral.status == IReferralEscrow.ReferralStatus.Claimed;
            assertEq(_toUint(claimed), claims, "referral is claimed iff a claim paid it");
            if (claimed) {
                uint256 tokenIndex = escrow.tokenById(referral.tokenId) == address(handler.tokenAt(0)) ? 0 : 1;
                claimedByPartner[referral.partnerId][tokenIndex] += _remaining(referral);
            }
        }
        for (uint40 partnerId = 1; partnerId <= MAX_PARTNER_ID; ++partnerId) {
            for (uint256 t; t < handler.TOKEN_COUNT(); ++t) {
                assertEq(
                    handler.ghostPaidToPartner(partnerId, address(handler.tokenAt(t))),
                    claimedByPartner[partnerId][t],
                    "paid to the partner against its claimed commissions"
                );
            }
        }
    }

    /// @dev Every payout address belongs to one partner id, and every treasury to one storefront; nothing else
    /// the handler knows may hold tokens.
    function invariant_payoutsArriveOnlyAtTheirPartnersPayoutAddresses() public view {
        address[] memory paidNothing = handler.accountsPaidNothing();
        for (uint256 t; t < handler.TOKEN_COUNT(); ++t) {
            MintableToken token = handler.tokenAt(t);
            for (uint40 partnerId = 1; partnerId <= MAX_PARTNER_ID; ++partnerId) {
                for (uint256 k; k < handler.PAYOUTS_PER_PARTNER(); ++k) {
                    address payout = handler.payoutAddress(partnerId, k);
                    assertEq(
                        token.balanceOf(payout), handler.ghostReceived(payout, address(token)), "payout address balance"
                    );
                }
            }
            for (uint256 s; s < handler.STOREFRONT_COUNT(); ++s) {
                address treasury = handler.treasuryOf(handler.storefrontAt(s));
                assertEq(
                    token.balanceOf(treasury), handler.ghostReceived(treasury, address(token)), "treasury balance"
                );
            }
            for (uint256 i; i < paidNothing.length; ++i) {
                assertEq(token.balanceOf(paidNothing[i]), 0, "balance of an account never paid");
            }
        }
    }

    /// @dev Counted by the handler per storefront, cap setting, partner and period, apart from the model.
    function invariant_noPartnerGoesPastItsStorefrontsCap() public view {
        assertEq(handler.ghostCapOverruns(), 0, "recordings past a partner's cap for the period");
        for (uint256 s; s < handler.STOREFRONT_COUNT(); ++s) {
            address storefront = handler.storefrontAt(s);
            (,, uint32 max, uint32 period) = escrow.programOf(storefront);
            (uint32 ghostMax, uint32 ghostPeriod) = handler.ghostCap(storefront);
            assertEq(max, ghostMax, "cap against the model");
            assertEq(period, ghostPeriod, "cap period against the model");
        }
    }

    function invariant_everyCallGoesAsTheModelPredicts() public view {
        assertEq(
            handler.ghostUnexpectedOutcomes(),
            0,
            string.concat("calls against the model, the latest: ", handler.lastUnexpectedOutcome())
        );
        assertEq(
            handler.ghostMovementMismatches(),
            0,
            string.concat("amounts moved against the model, the latest: ", handler.lastMovementMismatch())
        );
    }

    function _sumOfBudgets(address token) private view returns (uint256 sum) {
        for (uint256 s; s < handler.STOREFRONT_COUNT(); ++s) {
            sum += escrow.budgetOf(handler.storefrontAt(s), token);
        }
    }

    function _remaining(IReferralEscrow.Referral memory referral) private pure returns (uint256) {
        return referral.commission - uint256(referral.commission) * referral.refundedBps / 10_000;
    }

    function _toUint(bool value) private pure returns (uint256) {
        return value ? 1 : 0;
    }
}
