// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ReferralEscrow} from "../../../contracts/referral/ReferralEscrow.sol";
import {Vm, VM_ADDRESS} from "./Vm.sol";

/// @title MintableToken
/// @notice The test tokens' shape (TestToken, FeeOnTransferToken, ReentrantToken): an ERC-20 anyone can mint.
interface MintableToken is IERC20 {
    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external;
}

/// @title ReferralEscrowDeployment
/// @notice Deploys ReferralEscrow behind an ERC1967 proxy, as production does, and the few steps every referral
/// test repeats: registering a partner and funding a storefront's budget.
abstract contract ReferralEscrowDeployment {
    Vm internal constant vm = Vm(VM_ADDRESS);
    /// @notice The salt the helpers commit codes with.
    bytes32 internal constant CODE_SALT = keccak256("test salt");

    /// @notice A fresh escrow proxy whose admin (also pauser and upgrader) is `admin`, allowing rates up to
    /// `maxRateBps`.
    function deployReferralEscrow(address admin, uint16 maxRateBps) internal returns (ReferralEscrow escrow) {
        ReferralEscrow implementation = new ReferralEscrow();
        bytes memory initializeCall = abi.encodeCall(ReferralEscrow.initialize, (admin, maxRateBps));
        escrow = ReferralEscrow(address(new ERC1967Proxy(address(implementation), initializeCall)));
        vm.label(address(escrow), "ReferralEscrow");
    }

    /// @notice `owner` registers `code`, paid to `payout`, having committed to it one commitment delay ago (the
    /// commitment is made in the past, so the test's clock is where it was); returns the new partner id.
    function registerPartner(ReferralEscrow escrow, address owner, bytes32 code, address payout)
        internal
        returns (uint40 partnerId)
    {
        commitInThePast(escrow, owner, code);
        vm.prank(owner);
        partnerId = escrow.registerPartner(code, payout, CODE_SALT);
    }

    /// @notice Commits `code` for `owner` with `CODE_SALT` one commitment delay before now, leaving the clock at
    /// now: the commitment is ready to reveal.
    function commitInThePast(ReferralEscrow escrow, address owner, bytes32 code) internal {
        uint256 now_ = block.timestamp;
        vm.warp(now_ - escrow.codeCommitmentDelay());
        escrow.commitCode(keccak256(abi.encode(code, owner, CODE_SALT)));
        vm.warp(now_);
    }

    /// @notice Mints `amount` of `token` to `storefront`, which approves the escrow and funds its budget with it.
    function fundBudget(ReferralEscrow escrow, MintableToken token, address storefront, uint256 amount) internal {
        token.mint(storefront, amount);
        vm.startPrank(storefront);
        token.approve(address(escrow), amount);
        escrow.fundBudget(address(token), amount);
        vm.stopPrank();
    }

    /// @notice A deterministic address named after `name`.
    function account(string memory name) internal pure returns (address) {
        return address(uint160(uint256(keccak256(bytes(name)))));
    }
}
