// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {ERC20PermitUpgradeable} from
    "@openzeppelin/contracts-upgradeable/token/ERC20/extensions/ERC20PermitUpgradeable.sol";

import {StorefrontIssuanceSlot} from "../reward/StorefrontIssuanceSlot.sol";

/// @title RewardTokenLayoutBreaker
/// @notice Test-only: an "upgrade" that swaps two fields of RewardToken's storage namespace, which would
/// scramble every storefront and order. The upgrades plugin must refuse it.
/// @custom:oz-upgrades-unsafe-allow missing-initializer
contract RewardTokenLayoutBreaker is ERC20PermitUpgradeable, AccessControlUpgradeable, UUPSUpgradeable {
    struct TokenPolicy {
        bool paused;
        bool transfersLocked;
        uint128 supplyCap;
    }

    /// @custom:storage-location erc7201:dcrm.storage.RewardToken
    struct RewardTokenStorage {
        mapping(address storefront => mapping(uint256 word => uint256 bits)) rewardedOrders;
        mapping(address storefront => StorefrontIssuanceSlot) storefronts;
        TokenPolicy policy;
    }

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    function _authorizeUpgrade(address) internal override onlyRole(DEFAULT_ADMIN_ROLE) {}
}
