// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRewardPolicies} from "../../contracts/reward/IRewardPolicies.sol";
import {IRewardToken} from "../../contracts/reward/IRewardToken.sol";
import {RewardToken} from "../../contracts/reward/RewardToken.sol";
import {RewardTokenHandler} from "./handlers/RewardTokenHandler.sol";
import {Assertions} from "./utils/Assertions.sol";
import {RewardTokenDeployment} from "./utils/RewardTokenDeployment.sol";

/// @title RewardTokenInvariantTest
/// @notice Invariants of RewardToken under random sequences of issuance (single, batch, range, voucher), forged
/// vouchers, issuance attempts by an outsider, redemptions, transfers, time jumps, issuer role changes, storefront
/// policies (return windows and clawback) with release, voiding and clawback of their orders, and expiry, all
/// driven through `RewardTokenHandler`.
contract RewardTokenInvariantTest is RewardTokenDeployment, Assertions {
    /// @notice A target contract and the functions the runner may call on it (forge-std's StdInvariant layout).
    struct FuzzSelector {
        address addr;
        bytes4[] selectors;
    }

    uint256 private constant START_TIME = 1_750_000_000;

    RewardToken private token;
    RewardTokenHandler private handler;

    function setUp() public {
        vm.warp(START_TIME);
        address admin = address(uint160(uint256(keccak256("admin"))));
        token = deployRewardToken(admin);
        handler = new RewardTokenHandler(token, admin, START_TIME);
        for (uint256 i; i < handler.storefrontCount(); ++i) {
            enableStorefront(
                token, admin, handler.storefrontAt(i), handler.CAP_PER_PERIOD(), handler.CAP_PERIOD()
            );
        }
        uint256 supplyCap = handler.SUPPLY_CAP();
        vm.prank(admin);
        token.setSupplyCap(supplyCap);
        vm.label(address(handler), "RewardTokenHandler");
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

    function invariant_balancesOfAllHoldersSumToTotalSupply() public view {
        address[] memory holders = handler.allHolders();
        uint256 sum;
        for (uint256 i; i < holders.length; ++i) {
            sum += token.balanceOf(holders[i]);
        }
        assertEq(sum, token.totalSupply(), "sum of the balances of every account that received points");
    }

    function invariant_totalSupplyIsMintedMinusBurned() public view {
        assertEq(token.totalSupply(), handler.ghostMinted() - handler.ghostBurned(), "total supply");
    }

    function invariant_everyOrderIsRewardedAtMostOnce_andTheTokenAgrees() public view {
        RewardTokenHandler.Order[] memory orders = handler.allTouchedOrders();
        for (uint256 i; i < orders.length; ++i) {
            uint256 count = handler.ghostRewardCount(orders[i].storefront, orders[i].orderId);
            assertLe(count, 1, "times one order was rewarded");
            assertEq(
                token.isOrderRewarded(orders[i].storefront, orders[i].orderId) ? 1 : 0,
                count,
                "isOrderRewarded against the orders rewarded"
            );
        }
    }

    function invariant_issuedInPeriodStaysWithinTheCap_andMatchesWhatWasIssued() public {
        vm.warp(handler.currentTime());
        uint256 periodStart = handler.currentPeriodStart();
        for (uint256 i; i < handler.storefrontCount(); ++i) {
            address storefront = handler.storefrontAt(i);
            IRewardToken.StorefrontIssuance memory state = token.storefrontIssuance(storefront);
            assertLe(state.issuedInPeriod, state.capPerPeriod, "issued in period against the cap");
            assertEq(state.periodStart, periodStart, "period start");
            assertEq(
                state.issuedInPeriod,
                handler.ghostIssuedInPeriod(storefront, periodStart),
                "issued in period against what the storefront issued since the period started"
            );
        }
    }

    function invariant_nothingIsMintedWithoutTheIssuerRole() public view {
        assertEq(handler.ghostMintsWithoutIssuerRole(), 0, "successful issuance by accounts without the role");
        assertEq(handler.ghostForgedVoucherClaims(), 0, "successful claims of vouchers not signed by the storefront");
    }

    function invariant_totalSupplyNeverExceedsTheSupplyCap() public view {
        uint256 supplyCap = token.supplyCap();
        assertTrue(supplyCap != 0, "supply cap is set");
        assertLe(token.totalSupply(), supplyCap, "total supply against the supply cap");
    }

    /// @notice Pending points keep their room under the supply cap: the supply plus what is pending never exceeds
    /// it, so no release can meet it (the handler expects every release to succeed), and the token's pending count
    /// is the model's.
    function invariant_supplyAndPendingPointsStayWithinTheSupplyCap() public view {
        assertEq(token.pendingSupply(), handler.ghostPending(), "pending count against the model");
        assertLe(token.totalSupply() + token.pendingSupply(), token.supplyCap(), "supply plus pending against the cap");
    }

    /// @notice Every call succeeded or failed (with the predicted error) as the model said, and every successful
    /// call moved the amounts the model says.
    function invariant_everyCallSucceedsExactlyWhenTheModelSaysItMay() public view {
        assertEq(
            handler.ghostUnexpectedOutcomes(),
            0,
            string.concat("calls against the model, the latest: ", handler.lastUnexpectedOutcome())
        );
        assertEq(
            handler.ghostMovementMismatches(),
            0,
            string.concat("amounts against the model, the latest: ", handler.lastMovementMismatch())
        );
    }

    /// @notice Pending points are never spendable: every holder's balance is what the model credited it outside
    /// pending points, and balances, total supply and minted minus burned agree while points are pending.
    function invariant_pendingPointsAreNeverInBalancesOrSupply() public view {
        address[] memory holders = handler.allHolders();
        uint256 sum;
        for (uint256 i; i < holders.length; ++i) {
            uint256 balance = token.balanceOf(holders[i]);
            assertEq(balance, handler.ghostBalance(holders[i]), "balance against the spendable balance of the model");
            sum += balance;
        }
        assertEq(sum, token.totalSupply(), "sum of balances against total supply");
        assertEq(token.totalSupply(), handler.ghostMinted() - handler.ghostBurned(), "total supply, pending excluded");
    }

    /// @notice For each order issued under a policy: released + voided + still pending == issued always, and
    /// released + voided == issued once nothing is pending; the token's record holds exactly what is pending or
    /// still open to clawback; the sum of what the token holds pending is the model's.
    function invariant_everyOrderIsReleasedVoidedOrPending() public view {
        RewardTokenHandler.Order[] memory orders = handler.allPolicyOrders();
        uint256 pendingSum;
        for (uint256 i; i < orders.length; ++i) {
            RewardTokenHandler.PolicyOrder memory model = handler.orderModel(orders[i].storefront, orders[i].orderId);
            IRewardPolicies.RecordedOrder memory record =
                token.recordedOrder(orders[i].storefront, model.shopper, orders[i].orderId);
            uint256 pending = record.released ? 0 : record.points;
            pendingSum += pending;
            assertEq(model.released + model.voided + pending, model.issued, "released + voided + pending");
            if (pending == 0) assertEq(model.released + model.voided, model.issued, "released + voided of a closed order");
            uint256 open = model.isReleased && model.clawbackAllowed ? model.released - model.clawedBack : 0;
            assertEq(record.released ? record.points : 0, open, "points of the record open to clawback");
            assertTrue(record.points == 0 || record.released == model.isReleased, "record released flag");
        }
        assertEq(pendingSum, handler.ghostPending(), "points pending on the token against the model");
    }

    /// @notice What is clawed back from an order never exceeds what was issued minus what was voided (nor what was
    /// released), and clawback burns no more than it claws back.
    function invariant_clawbackNeverExceedsIssuedMinusVoided() public view {
        RewardTokenHandler.Order[] memory orders = handler.allPolicyOrders();
        for (uint256 i; i < orders.length; ++i) {
            RewardTokenHandler.PolicyOrder memory model = handler.orderModel(orders[i].storefront, orders[i].orderId);
            assertLe(model.clawedBack, model.issued - model.voided, "clawed back against issued minus voided");
            assertLe(model.clawedBack, model.released, "clawed back against released");
            assertLe(model.burnedByClawback, model.clawedBack, "burned by clawback against clawed back");
            assertTrue(model.clawedBack == 0 || model.clawbackAllowed, "clawback of an order issued without it");
        }
    }

    /// @notice No order is rewarded (released or minted) twice, and nobody but the storefront released an order
    /// before its release time.
    function invariant_noOrderIsReleasedTwice_orEarlyByOthers() public view {
        RewardTokenHandler.Order[] memory orders = handler.allPolicyOrders();
        for (uint256 i; i < orders.length; ++i) {
            RewardTokenHandler.PolicyOrder memory model = handler.orderModel(orders[i].storefront, orders[i].orderId);
            assertLe(model.releaseCount, 1, "times one order was released");
            assertEq(handler.ghostRewardCount(orders[i].storefront, orders[i].orderId), 1, "times the order was issued");
        }
        assertEq(handler.ghostEarlyReleasesByOthers(), 0, "releases before the release time by others or a revoked storefront");
    }

    /// @notice Expiry burned only holders past their deadline, as recorded when each expire was called.
    function invariant_expiryBurnsOnlyHoldersPastTheirDeadline() public view {
        assertEq(handler.ghostExpiredBeforeDeadline(), 0, "holders expired before their deadline");
    }
}
