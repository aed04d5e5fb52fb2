// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";

import {IReferralEscrow} from "../../contracts/referral/IReferralEscrow.sol";
import {ReferralEscrow} from "../../contracts/referral/ReferralEscrow.sol";
import {ReentrantToken} from "../../contracts/mocks/tokens/ReentrantToken.sol";
import {Assertions} from "./utils/Assertions.sol";
import {MintableToken, ReferralEscrowDeployment} from "./utils/ReferralEscrowDeployment.sol";

/// @title ReferralEscrowReentrancyTest
/// @notice A budget token that calls back into the escrow while the escrow moves it (during fundBudget,
/// withdrawBudget, claim and claimFrom) must find every money-moving entry point locked: the nested fundBudget,
/// withdrawBudget, claim or claimFrom fails with `ReentrancyGuardReentrantCall()`, and the outer call leaves
/// exactly the state the same call leaves without the attack.
/// @dev Every test builds two identical worlds (escrow and ReentrantToken), arms the token in one of them and runs
/// the same outer call in both. Each nested call is one the token could make on its own: the token holds a budget
/// of its own (it is a storefront too), an allowance for the escrow and tokens, it owns the partner (only a
/// partner's owner may claim), and the claim names a second released referral. So outside the outer call the nested call succeeds, and only the lock can stop it.
contract ReferralEscrowReentrancyTest is ReferralEscrowDeployment, Assertions {
    /// @notice A money-moving entry point, as the outer call or the nested one.
    enum Entry {
        FundBudget,
        WithdrawBudget,
        Claim,
        ClaimFrom
    }

    /// @dev One escrow and its reentrant budget token.
    struct World {
        ReferralEscrow escrow;
        ReentrantToken token;
        uint40 partnerId;
    }

    uint256 private constant START_TIME = 1_750_000_000;
    uint256 private constant COMMISSION = 40e18;
    uint256 private constant STOREFRONT_BUDGET = 1_000e18;
    uint256 private constant TOKEN_BUDGET = 300e18;
    uint256 private constant OUTER_FUND = 250e18;
    uint256 private constant OUTER_WITHDRAW = 120e18;
    uint256 private constant NESTED_FUND = 70e18;
    uint256 private constant NESTED_WITHDRAW = 90e18;
    uint256 private constant FIRST_ORDER = 1;
    uint256 private constant SECOND_ORDER = 2;

    address private immutable admin = account("admin");
    address private immutable storefront = account("storefront");
    address private immutable payout = account("payout");
    address private immutable treasury = account("treasury");
    address private immutable attackerSink = account("attacker sink");
    address private immutable stranger = account("stranger");
    bytes32 private constant CODE = keccak256("code");

    function setUp() public {
        vm.warp(START_TIME);
    }

    function test_fundBudget_reentryIntoFundBudget_isLocked() public {
        _assertReentryLocked(Entry.FundBudget, Entry.FundBudget);
    }

    function test_fundBudget_reentryIntoWithdrawBudget_isLocked() public {
        _assertReentryLocked(Entry.FundBudget, Entry.WithdrawBudget);
    }

    function test_fundBudget_reentryIntoClaim_isLocked() public {
        _assertReentryLocked(Entry.FundBudget, Entry.Claim);
    }

    function test_fundBudget_reentryIntoClaimFrom_isLocked() public {
        _assertReentryLocked(Entry.FundBudget, Entry.ClaimFrom);
    }

    function test_withdrawBudget_reentryIntoFundBudget_isLocked() public {
        _assertReentryLocked(Entry.WithdrawBudget, Entry.FundBudget);
    }

    function test_withdrawBudget_reentryIntoWithdrawBudget_isLocked() public {
        _assertReentryLocked(Entry.WithdrawBudget, Entry.WithdrawBudget);
    }

    function test_withdrawBudget_reentryIntoClaim_isLocked() public {
        _assertReentryLocked(Entry.WithdrawBudget, Entry.Claim);
    }

    function test_withdrawBudget_reentryIntoClaimFrom_isLocked() public {
        _assertReentryLocked(Entry.WithdrawBudget, Entry.ClaimFrom);
    }

    function test_claim_reentryIntoFundBudget_isLocked() public {
        _assertReentryLocked(Entry.Claim, Entry.FundBudget);
    }

    function test_claim_reentryIntoWithdrawBudget_isLocked() public {
        _assertReentryLocked(Entry.Claim, Entry.WithdrawBudget);
    }

    function test_claim_reentryIntoClaim_isLocked() public {
        _assertReentryLocked(Entry.Claim, Entry.Claim);
    }

    function test_claim_reentryIntoClaimFrom_isLocked() public {
        _assertReentryLocked(Entry.Claim, Entry.ClaimFrom);
    }

    function test_claimFrom_reentryIntoFundBudget_isLocked() public {
        _assertReentryLocked(Entry.ClaimFrom, Entry.FundBudget);
    }

    function test_claimFrom_reentryIntoWithdrawBudget_isLocked() public {
        _assertReentryLocked(Entry.ClaimFrom, Entry.WithdrawBudget);
    }

    function test_claimFrom_reentryIntoClaim_isLocked() public {
        _assertReentryLocked(Entry.ClaimFrom, Entry.Claim);
    }

    function test_claimFrom_reentryIntoClaimFrom_isLocked() public {
        _assertReentryLocked(Entry.ClaimFrom, Entry.ClaimFrom);
    }

    /// @dev The nested calls are valid on their own: made by the token outside any escrow call, each succeeds.
    function test_everyNestedCall_succeedsOutsideTheOuterCall() public {
        for (uint256 nested; nested <= uint256(type(Entry).max); ++nested) {
            World memory world = _world();
            vm.prank(address(world.token));
            (bool succeeded,) = address(world.escrow).call(_nestedCall(world, Entry(nested)));
            assertTrue(succeeded, "nested call made on its own");
            _assertNestedCallTookEffect(world, Entry(nested));
        }
    }

    // ─── The check ──────────────────────────────────────────────────────────────────────────────────────

    function _assertReentryLocked(Entry outer, Entry nested) private {
        World memory attacked = _world();
        World memory quiet = _world();
        attacked.token.arm(address(attacked.escrow), _nestedCall(attacked, nested));

        _outerCall(attacked, outer);
        _outerCall(quiet, outer);

        assertEq(attacked.token.attempts(), 1, "reentry attempts");
        assertFalse(attacked.token.attackSucceeded(), "nested call succeeded");
        assertEq(
            keccak256(attacked.token.attackResult()),
            keccak256(abi.encodeWithSelector(ReentrancyGuardTransient.ReentrancyGuardReentrantCall.selector)),
            "nested call's revert data (ReentrancyGuardReentrantCall())"
        );
        assertEq(quiet.token.attempts(), 0, "callbacks of the unarmed token");
        _assertSameState(attacked, quiet);
        _assertOuterCallTookEffect(attacked, outer);
    }

    /// @dev Everything the outer or nested call could have moved, in both worlds.
    function _assertSameState(World memory attacked, World memory quiet) private view {
        address[7] memory holders = [
            address(attacked.escrow), storefront, payout, treasury, attackerSink, stranger, address(attacked.token)
        ];
        address[7] memory quietHolders =
            [address(quiet.escrow), storefront, payout, treasury, attackerSink, stranger, address(quiet.token)];
        for (uint256 i; i < holders.length; ++i) {
            assertEq(
                attacked.token.balanceOf(holders[i]),
                quiet.token.balanceOf(quietHolders[i]),
                "balance against no attack"
            );
        }
        assertEq(attacked.token.totalSupply(), quiet.token.totalSupply(), "total supply against no attack");
        assertEq(
            attacked.escrow.budgetOf(storefront, address(attacked.token)),
            quiet.escrow.budgetOf(storefront, address(quiet.token)),
            "storefront budget against no attack"
        );
        assertEq(
            attacked.escrow.budgetOf(address(attacked.token), address(attacked.token)),
            quiet.escrow.budgetOf(address(quiet.token), address(quiet.token)),
            "the token's own budget against no attack"
        );
        for (uint256 orderId = FIRST_ORDER; orderId <= SECOND_ORDER; ++orderId) {
            assertEq(
                keccak256(abi.encode(attacked.escrow.referralOf(storefront, orderId))),
                keccak256(abi.encode(quiet.escrow.referralOf(storefront, orderId))),
                "referral against no attack"
            );
        }
    }

    /// @dev The outer call's own effect, in absolute numbers (the same in both worlds, as checked above).
    function _assertOuterCallTookEffect(World memory world, Entry outer) private view {
        uint256 escrowBalance = STOREFRONT_BUDGET + TOKEN_BUDGET;
        uint256 budget = STOREFRONT_BUDGET - 2 * COMMISSION;
        if (outer == Entry.FundBudget) {
            escrowBalance += OUTER_FUND;
            budget += OUTER_FUND;
        } else if (outer == Entry.WithdrawBudget) {
            escrowBalance -= OUTER_WITHDRAW;
            budget -= OUTER_WITHDRAW;
            assertEq(world.token.balanceOf(treasury), OUTER_WITHDRAW, "withdrawn to the treasury");
        } else {
            // Claim or ClaimFrom, of the first order.
            escrowBalance -= COMMISSION;
            assertEq(world.token.balanceOf(payout), COMMISSION, "paid to the payout address");
            assertEq(_status(world, FIRST_ORDER), uint256(IReferralEscrow.ReferralStatus.Claimed), "claimed order");
        }
        assertEq(world.token.balanceOf(address(world.escrow)), escrowBalance, "escrow balance");
        assertEq(world.escrow.budgetOf(storefront, address(world.token)), budget, "storefront budget");
        assertEq(
            world.escrow.budgetOf(address(world.token), address(world.token)), TOKEN_BUDGET, "the token's own budget"
        );
        assertEq(_status(world, SECOND_ORDER), uint256(IReferralEscrow.ReferralStatus.Pending), "second order");
        assertEq(world.token.balanceOf(attackerSink), 0, "balance of the attacker's sink");
    }

    function _assertNestedCallTookEffect(World memory world, Entry nested) private view {
        if (nested == Entry.FundBudget) {
            assertEq(
                world.escrow.budgetOf(address(world.token), address(world.token)),
                TOKEN_BUDGET + NESTED_FUND,
                "the token's budget after its own funding"
            );
        } else if (nested == Entry.WithdrawBudget) {
            assertEq(world.token.balanceOf(attackerSink), NESTED_WITHDRAW, "withdrawn to the attacker's sink");
        } else {
            assertEq(world.token.balanceOf(payout), COMMISSION, "paid for the second order");
            assertEq(_status(world, SECOND_ORDER), uint256(IReferralEscrow.ReferralStatus.Claimed), "second order");
        }
    }

    // ─── Worlds and calls ───────────────────────────────────────────────────────────────────────────────

    /// @dev A fresh escrow with a ReentrantToken budget: the storefront funded STOREFRONT_BUDGET and recorded two
    /// released referrals of COMMISSION each; the token funded a budget of its own and holds tokens and an
    /// allowance for a nested funding; the storefront holds tokens and an allowance for the outer funding.
    function _world() private returns (World memory world) {
        world.escrow = deployReferralEscrow(admin, 10_000);
        world.token = new ReentrantToken();
        MintableToken token = MintableToken(address(world.token));
        // The token owns the partner too, so a nested claim is one it could make on its own.
        world.partnerId = registerPartner(world.escrow, address(world.token), CODE, payout);
        vm.prank(storefront);
        world.escrow.enrolPartner(CODE, 0, uint96(COMMISSION));
        fundBudget(world.escrow, token, storefront, STOREFRONT_BUDGET);
        vm.startPrank(storefront);
        world.escrow.recordReferral(FIRST_ORDER, CODE, 0, address(token), account("shopper"));
        world.escrow.recordReferral(SECOND_ORDER, CODE, 0, address(token), account("shopper"));
        vm.stopPrank();
        fundBudget(world.escrow, token, address(world.token), TOKEN_BUDGET);

        token.mint(address(token), NESTED_FUND);
        vm.prank(address(token));
        token.approve(address(world.escrow), NESTED_FUND);
        token.mint(storefront, OUTER_FUND);
        vm.prank(storefront);
        token.approve(address(world.escrow), OUTER_FUND);
    }

    function _outerCall(World memory world, Entry outer) private {
        if (outer == Entry.FundBudget) {
            vm.prank(storefront);
            world.escrow.fundBudget(address(world.token), OUTER_FUND);
        } else if (outer == Entry.WithdrawBudget) {
            vm.prank(storefront);
            world.escrow.withdrawBudget(address(world.token), OUTER_WITHDRAW, treasury);
        } else if (outer == Entry.Claim) {
            vm.prank(address(world.token));
            world.escrow.claim(world.partnerId, _keys(FIRST_ORDER));
        } else {
            vm.prank(address(world.token));
            world.escrow.claimFrom(world.partnerId, storefront, _orderIds(FIRST_ORDER));
        }
    }

    function _nestedCall(World memory world, Entry nested) private view returns (bytes memory) {
        if (nested == Entry.FundBudget) {
            return abi.encodeCall(ReferralEscrow.fundBudget, (address(world.token), NESTED_FUND));
        }
        if (nested == Entry.WithdrawBudget) {
            return abi.encodeCall(ReferralEscrow.withdrawBudget, (address(world.token), NESTED_WITHDRAW, attackerSink));
        }
        if (nested == Entry.Claim) {
            return abi.encodeCall(ReferralEscrow.claim, (world.partnerId, _keys(SECOND_ORDER)));
        }
        return abi.encodeCall(ReferralEscrow.claimFrom, (world.partnerId, storefront, _orderIds(SECOND_ORDER)));
    }

    function _orderIds(uint256 orderId) private pure returns (uint256[] memory orderIds) {
        orderIds = new uint256[](1);
        orderIds[0] = orderId;
    }

    function _keys(uint256 orderId) private view returns (IReferralEscrow.ReferralKey[] memory keys) {
        keys = new IReferralEscrow.ReferralKey[](1);
        keys[0] = IReferralEscrow.ReferralKey({storefront: storefront, orderId: orderId});
    }

    function _status(World memory world, uint256 orderId) private view returns (uint256) {
        return uint256(world.escrow.referralOf(storefront, orderId).status);
    }
}
