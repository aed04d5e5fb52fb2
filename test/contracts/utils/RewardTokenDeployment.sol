// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";

import {RewardToken} from "../../../contracts/reward/RewardToken.sol";
import {Vm, VM_ADDRESS} from "./Vm.sol";

/// @title RewardTokenDeployment
/// @notice Deploys RewardToken behind an ERC1967 proxy, as production does, and sets storefronts up to issue.
abstract contract RewardTokenDeployment {
    Vm internal constant vm = Vm(VM_ADDRESS);

    /// @notice A fresh token proxy whose admin (also pauser and upgrader) is `admin`.
    function deployRewardToken(address admin) internal returns (RewardToken token) {
        RewardToken implementation = new RewardToken();
        bytes memory initializeCall = abi.encodeCall(RewardToken.initialize, ("Acme Points", "ACME", admin));
        token = RewardToken(address(new ERC1967Proxy(address(implementation), initializeCall)));
        vm.label(address(token), "RewardToken");
    }

    /// @notice Grants `storefront` the issuer role and a cap of `capPerPeriod` points per `capPeriod` seconds.
    function enableStorefront(
        RewardToken token,
        address admin,
        address storefront,
        uint256 capPerPeriod,
        uint256 capPeriod
    ) internal {
        bytes32 issuerRole = token.ISSUER_ROLE();
        vm.startPrank(admin);
        token.grantRole(issuerRole, storefront);
        token.setIssuanceCap(storefront, capPerPeriod, capPeriod);
        vm.stopPrank();
    }
}
