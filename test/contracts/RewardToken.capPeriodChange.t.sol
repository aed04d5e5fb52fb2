// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IRewardToken} from "../../contracts/reward/IRewardToken.sol";
import {RewardToken} from "../../contracts/reward/RewardToken.sol";
import {Assertions} from "./utils/Assertions.sol";
import {RewardTokenDeployment} from "./utils/RewardTokenDeployment.sol";

/// @title RewardTokenCapPeriodChangeTest
/// @notice When the admin lengthens a storefront's period, the current period is re-aligned to the new length
/// and keeps the count of the old-length period still running (a regression: the period once kept its old,
/// unaligned start and let a storefront issue twice the cap inside one aligned week).
/// What holds exactly: every aligned period of the new length that starts after the change sees at most the
/// cap; the one containing the change sees at most the cap plus what was issued in old-length periods that had
/// already ended inside it before the change (only one counter is kept, so those are not known). The claim
/// "no aligned period ever sees more than the cap" does not hold for that one period.
contract RewardTokenCapPeriodChangeTest is RewardTokenDeployment, Assertions {
    uint256 private constant CAP = 100e18;
    /// @dev 2,900 weeks after the epoch: a multiple of both one day and seven days.
    uint256 private constant WEEK_START = 2_900 * 7 days;

    address private constant ADMIN = address(0xA11CE);
    address private constant STOREFRONT = address(0x5709E);
    address private constant SHOPPER = address(0xB0B);

    RewardToken private token;

    /// @dev Daily cap; the storefront issues on day 3 of an aligned week, then the admin makes the cap weekly.
    function setUp() public {
        token = deployRewardToken(ADMIN);
        enableStorefront(token, ADMIN, STOREFRONT, CAP, 1 days);
        vm.warp(WEEK_START + 3 days + 1 hours);
        vm.prank(STOREFRONT);
        token.issue(SHOPPER, 1, 1);
        vm.prank(ADMIN);
        token.setIssuanceCap(STOREFRONT, CAP, 7 days);
    }

    /// @notice IRewardToken: "periods are aligned to multiples of [capPeriod]".
    function test_periodStartIsAlignedToTheNewPeriodLength() public {
        vm.warp(WEEK_START + 8 days);
        uint256 periodStart = token.storefrontIssuance(STOREFRONT).periodStart;
        assertEq(periodStart % 7 days, 0, "period start modulo the period length (7 days)");
    }

    /// @notice Lengthened after the old period ended: the week containing the change may see the cap plus what
    /// the ended days of that week issued, and no more; the next aligned week sees the cap alone.
    function test_lengthenedAfterTheOldPeriodEnded_boundsTheWeekOfTheChange() public {
        // Day 8 (aligned week of day 7): back to a daily cap, and issue the whole daily cap.
        vm.prank(ADMIN);
        token.setIssuanceCap(STOREFRONT, CAP, 1 days);
        vm.warp(WEEK_START + 8 days);
        vm.prank(STOREFRONT);
        token.issue(SHOPPER, 10, CAP);
        // Day 9: that day has ended; the admin makes the cap weekly. The ended day is not counted.
        vm.warp(WEEK_START + 9 days);
        vm.prank(ADMIN);
        token.setIssuanceCap(STOREFRONT, CAP, 7 days);
        vm.prank(STOREFRONT);
        token.issue(SHOPPER, 11, CAP);
        // The week of the change saw 2 * CAP (CAP from the ended day), and not one point more.
        vm.expectRevert(
            abi.encodeWithSelector(IRewardToken.IssuanceCapExceeded.selector, STOREFRONT, CAP, WEEK_START + 7 days, CAP, 1)
        );
        vm.prank(STOREFRONT);
        token.issue(SHOPPER, 12, 1);
        // The next aligned week: the cap alone.
        vm.warp(WEEK_START + 14 days);
        vm.prank(STOREFRONT);
        token.issue(SHOPPER, 13, CAP);
        vm.expectRevert(
            abi.encodeWithSelector(IRewardToken.IssuanceCapExceeded.selector, STOREFRONT, CAP, WEEK_START + 14 days, CAP, 1)
        );
        vm.prank(STOREFRONT);
        token.issue(SHOPPER, 14, 1);
    }

    /// @notice Within the aligned week [day 7, day 14) the storefront must not issue more than CAP.
    function test_noMoreThanTheCapWithinOneAlignedWeek() public {
        vm.warp(WEEK_START + 8 days); // aligned week of day 7, but still the old period that began on day 3
        vm.prank(STOREFRONT);
        token.issue(SHOPPER, 2, CAP - 1);

        vm.warp(WEEK_START + 10 days); // same aligned week; the old period ended, the counter resets
        // CAP - 1 was already issued in this aligned week, so the cap must reject another CAP.
        vm.expectRevert(
            abi.encodeWithSelector(
                IRewardToken.IssuanceCapExceeded.selector, STOREFRONT, CAP, WEEK_START + 7 days, CAP - 1, CAP
            )
        );
        vm.prank(STOREFRONT);
        token.issue(SHOPPER, 3, CAP);
    }
}
