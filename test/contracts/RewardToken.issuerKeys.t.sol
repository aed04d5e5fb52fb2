// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {IRewardToken} from "../../contracts/reward/IRewardToken.sol";
import {RewardToken} from "../../contracts/reward/RewardToken.sol";
import {Assertions} from "./utils/Assertions.sol";
import {FuzzBounds} from "./utils/FuzzBounds.sol";
import {RewardTokenDeployment} from "./utils/RewardTokenDeployment.sol";

/// @title RewardTokenIssuerKeysFuzzTest
/// @notice Property tests of signer keys: whatever mix of storefront and keys issues, in whatever amounts and
/// order numbers, they share the storefront's one cap and one order bitmap, and a revoked storefront's keys
/// issue nothing.
contract RewardTokenIssuerKeysFuzzTest is RewardTokenDeployment, Assertions {
    using FuzzBounds for uint256;

    uint256 private constant POINTS = 1e18;
    uint256 private constant ONE_DAY = 1 days;
    uint256 private constant START_TIME = 1_750_000_000;
    uint256 private constant ISSUANCES = 8;

    address private immutable admin = _account("admin");
    address private immutable storefront = _account("storefront");
    address private immutable shopper = _account("shopper");
    address private immutable firstKey = _account("first key");
    address private immutable secondKey = _account("second key");

    RewardToken private token;

    function setUp() public {
        vm.warp(START_TIME);
        token = deployRewardToken(admin);
        enableStorefront(token, admin, storefront, type(uint88).max, ONE_DAY);
        vm.startPrank(storefront);
        token.setIssuerKey(firstKey, true);
        token.setIssuerKey(secondKey, true);
        vm.stopPrank();
    }

    function testFuzz_storefrontAndKeys_shareOneCapAndOneBitmap(uint256 capSeed, uint256 seed) public {
        uint256 cap = capSeed.bound(1, 200 * POINTS);
        vm.prank(admin);
        token.setIssuanceCap(storefront, cap, ONE_DAY);
        address[3] memory callers = [storefront, firstKey, secondKey];
        uint256 issued;
        for (uint256 i; i < ISSUANCES; ++i) {
            address caller = callers[seed.derive(i) % 3];
            // Order numbers from a small range, so that callers often send an order another one already sent.
            uint256 orderId = seed.derive(i + ISSUANCES) % 6;
            uint256 amount = seed.derive(i + 2 * ISSUANCES).bound(1, 60 * POINTS);
            // `issue` charges the cap before it marks the order.
            if (issued + amount > cap) {
                vm.expectRevert(
                    abi.encodeWithSelector(
                        IRewardToken.IssuanceCapExceeded.selector, storefront, cap, START_TIME - START_TIME % ONE_DAY, issued, amount
                    )
                );
            } else if (token.isOrderRewarded(storefront, orderId)) {
                vm.expectRevert(abi.encodeWithSelector(IRewardToken.OrderAlreadyRewarded.selector, storefront, orderId));
            } else {
                issued += amount;
            }
            vm.prank(caller);
            token.issue(shopper, orderId, amount);
        }
        assertEq(token.storefrontIssuance(storefront).issuedInPeriod, issued, "the storefront's count");
        assertLe(issued, cap, "issued within the one cap");
        assertEq(token.balanceOf(shopper), issued, "points minted");
        assertEq(token.storefrontIssuance(firstKey).issuedInPeriod, 0, "a key counts nothing of its own");
        assertFalse(token.isOrderRewarded(firstKey, seed.derive(ISSUANCES) % 6), "a key marks no order of its own");
    }

    function testFuzz_revokedStorefront_leavesItsKeysNoPower(uint256 orderId, uint256 amountSeed, bool batch) public {
        uint256 amount = amountSeed.bound(1, 1_000 * POINTS);
        bytes32 issuerRole = token.ISSUER_ROLE();
        vm.prank(admin);
        token.revokeRole(issuerRole, storefront);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, storefront, issuerRole));
        vm.prank(secondKey);
        if (batch) {
            address[] memory shoppers = new address[](1);
            shoppers[0] = shopper;
            uint256[] memory amounts = new uint256[](1);
            amounts[0] = amount;
            token.issueForOrderRange(orderId % (1 << 128), shoppers, amounts);
        } else {
            token.issue(shopper, orderId, amount);
        }
        assertEq(token.totalSupply(), 0, "nothing issued");
    }

    function _account(string memory name) private pure returns (address) {
        return address(uint160(uint256(keccak256(bytes(name)))));
    }
}
