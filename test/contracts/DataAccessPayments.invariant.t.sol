// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ConsentRegistry} from "../../contracts/consent/ConsentRegistry.sol";
import {DataAccessPayments} from "../../contracts/dataAccess/DataAccessPayments.sol";
import {TestToken} from "../../contracts/mocks/tokens/TestToken.sol";
import {DataAccessPaymentsHandler} from "./handlers/DataAccessPaymentsHandler.sol";
import {Assertions} from "./utils/Assertions.sol";
import {DataAccessPaymentsDeployment} from "./utils/DataAccessPaymentsDeployment.sol";

/// @title DataAccessPaymentsInvariantTest
/// @notice Invariants of DataAccessPayments with ConsentRegistry under random sequences of consent grants and
/// revocations, time jumps, deposits and deposit withdrawals, single and batch accesses, earnings and fee
/// withdrawals and fee changes, all driven through `DataAccessPaymentsHandler` (two consumers, four shoppers,
/// two scopes).
contract DataAccessPaymentsInvariantTest is DataAccessPaymentsDeployment, Assertions {
    /// @notice A target contract and the functions the runner may call on it (forge-std's StdInvariant layout).
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    uint256 private constant START_TIME = 1_750_000_000;
    uint16 private constant INITIAL_FEE_BPS = 500;

    DataAccessPayments private payments;
    ConsentRegistry private registry;
    TestToken private token;
    DataAccessPaymentsHandler private handler;

    function setUp() public {
        vm.warp(START_TIME);
        address admin = account("admin", 0);
        address feeRecipient = account("fee recipient", 0);
        token = new TestToken("Test Dollar", "TUSD");
        registry = deployConsentRegistry(admin);
        payments = deployDataAccessPayments(admin, registry, token, feeRecipient, INITIAL_FEE_BPS);
        handler = new DataAccessPaymentsHandler(
            payments, registry, token, admin, feeRecipient, INITIAL_FEE_BPS, START_TIME
        );
        // A starting state where accesses can be paid from the first call: every shopper consents to every
        // consumer and scope for a day at 1-4 tokens, and each consumer deposits 1,000 tokens.
        for (uint256 c; c < handler.CONSUMER_COUNT(); ++c) {
            for (uint256 s; s < handler.SHOPPER_COUNT(); ++s) {
                for (uint256 k; k < handler.SCOPE_COUNT(); ++k) {
                    handler.grant(s, c, k, (s + 1) * 1e18, uint256(1 days) << 8 | 1);
                }
            }
            handler.deposit(c, 1_000e18);
        }
        assertEq(handler.ghostSuccesses("grant"), 16, "consents granted at the start");
        assertEq(handler.ghostSuccesses("deposit"), 2, "deposits at the start");
        assertEq(handler.ghostUnexpectedOutcomes(), 0, "calls against the model at the start");
        vm.label(address(handler), "DataAccessPaymentsHandler");
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

    function invariant_eachDepositIsDepositedMinusSpentMinusWithdrawn() public view {
        for (uint256 c; c < handler.CONSUMER_COUNT(); ++c) {
            address consumer = handler.consumerAt(c);
            uint256 deposited = handler.ghostDeposited(consumer);
            uint256 outflow = handler.ghostSpent(consumer) + handler.ghostWithdrawn(consumer);
            assertLe(outflow, deposited, "spent + withdrawn against deposited");
            assertEq(payments.depositOf(consumer), deposited - outflow, "depositOf: deposited - spent - withdrawn");
        }
    }

    /// @dev Credited earnings (still held or withdrawn) plus fees (still accrued or withdrawn) are all that was
    /// spent, read from the contract; and the model's split agrees.
    function invariant_creditedPlusFeesIsTotalSpent() public view {
        uint256 held;
        for (uint256 s; s < handler.SHOPPER_COUNT(); ++s) {
            address shopper = handler.shopperAt(s);
            assertEq(payments.earningsOf(shopper), handler.ghostEarnings(shopper), "earningsOf against the model");
            held += payments.earningsOf(shopper);
        }
        uint256 credited = held + handler.ghostEarningsWithdrawn();
        uint256 fees = payments.accruedFees() + handler.ghostFeesWithdrawn();
        assertEq(credited + fees, handler.ghostTotalSpent(), "credited + fees == total spent");
        assertEq(credited, handler.ghostTotalCredited(), "credited against the model");
        assertEq(fees, handler.ghostTotalFees(), "fees against the model");
        assertEq(payments.accruedFees(), handler.ghostAccruedFees(), "accruedFees against the model");
    }

    /// @dev Nothing else sends the contract tokens, so its balance is exactly what it owes.
    function invariant_balanceIsDepositsPlusEarningsPlusFees() public view {
        uint256 owed = payments.accruedFees();
        for (uint256 c; c < handler.CONSUMER_COUNT(); ++c) {
            owed += payments.depositOf(handler.consumerAt(c));
        }
        for (uint256 s; s < handler.SHOPPER_COUNT(); ++s) {
            owed += payments.earningsOf(handler.shopperAt(s));
        }
        assertEq(token.balanceOf(address(payments)), owed, "balance: deposits + earnings + fees");
    }

    function invariant_noAccessWasPaidWithoutConsentActiveInItsBlock() public view {
        assertEq(handler.ghostPaidWithoutConsent(), 0, "accesses paid without an active consent");
    }

    function invariant_revokedOrExpiredConsentsWereNeverCharged() public view {
        assertEq(handler.ghostChargedInactiveConsent(), 0, "accesses charged on revoked or expired consents");
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
}
