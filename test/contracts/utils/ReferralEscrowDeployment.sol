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

    /// @notice A fresh escrow proxy whose admin (also pauser and upgrader) is `admin`, allowing rates up to
    /// `maxRateBps`.
    function deployReferralEscrow(address admin, uint16 maxRateBps) internal returns (ReferralEscrow escrow) {
        ReferralEscrow implementation = new ReferralEscrow();
        bytes memory initializeCall = abi.encodeCall(ReferralEscrow.initialize, (admin, maxRateBps));
        escrow = ReferralEscrow(address(new ERC1967Proxy(address(implementation), initializeCall)));
        vm.label(address(escrow), "ReferralEscrow");
    }

    /// @notice `owner` registers `code`, paid to `payout`; returns the new partner id.
    function registerPartner(ReferralEscrow escrow, address owner, bytes32 code, address payout)
        internal
        returns (uint40 partnerId)
    {
        vm.prank(owner);
        partnerId = escrow.registerPartner(code, payout);
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
