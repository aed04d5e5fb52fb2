// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRewardToken} from "../../contracts/reward/IRewardToken.sol";
import {RewardToken} from "../../contracts/reward/RewardToken.sol";
import {RewardTokenHandler} from "./handlers/RewardTokenHandler.sol";
import {Assertions} from "./utils/Assertions.sol";
import {RewardTokenDeployment} from "./utils/RewardTokenDeployment.sol";

/// @title RewardTokenInvariantTest
/// @notice Invariants of RewardToken under random sequences of issuance (single, batch, range, voucher), forged
/// vouchers, issuance attempts by an outsider, redemptions, transfers, time jumps and issuer role changes, all
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

    function invariant_everyCallSucceedsExactlyWhenTheModelSaysItMay() public view {
        assertEq(
            handler.ghostUnexpectedOutcomes(),
            0,
            string.concat("calls against the model, the latest: ", handler.lastUnexpectedAction())
        );
    }
}
